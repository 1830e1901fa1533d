/**
 * Pre-trained word vectors in the GloVe text format (`word v1 ... vd` per line), plain or .gz.
 * Only the vectors of wanted words are kept, so a large file costs little memory.
 */
import { readBytes, readText } from '../core/files.ts';
import { UserError } from '../core/errors.ts';

export interface Vectors {
  dim: number;
  vectors: Map<string, Float32Array>;
  /** Lines that could not be read (1-based numbers), reported, never silently skipped. */
  badLines: { line: number; message: string }[];
}

/** The vector size: the most common number of values on the first 200 lines (one bad line must not decide it). */
export function commonDimension(text: string): number {
  const counts = new Map<number, number>();
  const lines = text.split('\n', 201).slice(0, 200);
  for (const l of lines) {
    const parts = l.trimEnd().split(' ');
    if (parts.length > 2) counts.set(parts.length - 1, (counts.get(parts.length - 1) ?? 0) + 1);
  }
  let best = 0,
    n = 0;
  for (const [d, c] of counts) if (c > n) [best, n] = [d, c];
  return best;
}

/**
 * The first `n` distinct words of a vectors file. GloVe and word2vec files list words by
 * frequency, so these are the most common words of the language.
 */
export function firstWords(file: string, n: number): string[] {
  const out = new Set<string>();
  const text = readText(file);
  let start = 0;
  while (out.size < n && start < text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const sp = text.indexOf(' ', start);
    if (sp > start && sp < end) out.add(text.slice(start, sp));
    start = end + 1;
  }
  return [...out];
}

/**
 * One line of a vectors file, by the rules every reader here shares: its word and value
 * strings; null for a line to skip silently (blank, word2vec's "count dim" header); else what is
 * wrong with it. Values are checked as numbers by the caller, which parses them anyway.
 */
export function splitVectorLine(row: string, line: number, dim: number): { word: string; nums: string[] } | string | null {
  if (!row) return null;
  const sp = row.indexOf(' ');
  if (sp <= 0) return 'no vector after the word';
  const word = row.slice(0, sp);
  const nums = row.slice(sp + 1).split(' ');
  if (line === 1 && nums.length === 1 && /^\d+$/.test(word)) return null; // word2vec-style "count dim" header
  if (nums.length !== dim) return `${nums.length} values, expected ${dim}`;
  return { word, nums };
}

/** More than half the lines malformed: not a vectors file (one bad line must not reject a file). */
export function checkBadLines(file: string, badLines: Vectors['badLines'], lines: number): void {
  if (badLines.length > lines / 2)
    throw new UserError(`${file}: ${badLines.length} of ${lines} lines are malformed (first: line ${badLines[0].line}, ${badLines[0].message}); is this a GloVe text file?`);
}

/**
 * Every line of a vectors file by the rules above, read as bytes (V8 strings stop at 512 MB;
 * glove.6B.300d.txt is 1 GB): `start` learns the vector size and the number of lines first,
 * `row` takes each well-formed line and says what is wrong with it, or null. Bad lines are
 * collected and checked (checkBadLines).
 */
export function readVectorFile(
  file: string,
  h: { start?: (dim: number, lines: number) => void; row: (word: string, nums: string[]) => string | null },
): { dim: number; lines: number; badLines: Vectors['badLines'] } {
  const buf = readBytes(file);
  const dim = commonDimension(buf.toString('utf8', 0, Math.min(buf.length, 8 << 20)));
  if (!dim) throw new UserError(`${file}: no word vectors found`);
  h.start?.(dim, countLines(buf));
  const badLines: Vectors['badLines'] = [];
  let line = 0;
  for (let start = 0; start < buf.length; ) {
    let end = buf.indexOf(10, start);
    if (end < 0) end = buf.length;
    line++;
    const parts = splitVectorLine(buf.toString('utf8', start, end).trimEnd(), line, dim);
    start = end + 1;
    const bad = typeof parts === 'string' ? parts : parts ? h.row(parts.word, parts.nums) : null;
    if (bad) badLines.push({ line, message: bad });
  }
  checkBadLines(file, badLines, line);
  return { dim, lines: line, badLines };
}

function countLines(buf: Buffer): number {
  let n = 1;
  for (let at = buf.indexOf(10); at >= 0; at = buf.indexOf(10, at + 1)) n++;
  return n;
}

/** The vectors of the `wanted` words (the closed vocabulary's); a file's other words cost no memory. */
export function loadVectors(file: string, wanted: Set<string>): Vectors {
  const vectors = new Map<string, Float32Array>();
  const { dim, badLines } = readVectorFile(file, {
    row(word, nums) {
      if (!wanted.has(word) || vectors.has(word)) return null;
      const v = Float32Array.from(nums, Number);
      if (v.some((x) => !Number.isFinite(x))) return 'a value is not a number';
      vectors.set(word, v);
      return null;
    },
  });
  return { dim, vectors, badLines };
}

/**
 * One row per vocabulary word: the word's vector, else its lowercase form's (GloVe is uncased),
 * else null (random init). Row 0 (<pad>) and 1 (<unk>) are left null.
 */
export function vocabVectors(words: string[], v: Vectors, lowercase: boolean): { rows: (Float32Array | null)[]; found: number } {
  let found = 0;
  const rows = words.map((w, i) => {
    if (i < 2) return null;
    const r = v.vectors.get(w) ?? (lowercase ? v.vectors.get(w.toLowerCase()) : undefined) ?? null;
    if (r) found++;
    return r;
  });
  return { rows, found };
}
