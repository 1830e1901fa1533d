/**
 * Error exits of the real command line: unwritable outputs, out-of-range thresholds and usage
 * errors are one line ("rin CMD: error: ..."), exit 2, and leave nothing behind.
 */
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { assertOneLineError, rin, show } from './cli-run.ts';
import { tempFolders } from './helpers.ts';

const tmp = tempFolders('rin-cli-errors-');
const SENTENCE = 'Aarhus is in Denmark.';

test('extract --out under /proc is a one-line error, not a hang', { timeout: 90_000 }, () => {
  assertOneLineError(rin(['extract', '--out', '/proc/nope/x.json', SENTENCE]), /^rin extract: error: .*\/proc\/nope/);
});

test('extract --out naming a directory is a one-line error and leaves no temporary file', { timeout: 90_000 }, () => {
  const d = tmp.fresh();
  mkdirSync(join(d, 'out'));
  assertOneLineError(rin(['extract', '--out', join(d, 'out'), SENTENCE]), /is a directory/);
  assert.deepEqual(readdirSync(d), ['out']);
});

test('--threshold: one wording for a value out of range and for no number at all, from extract, predict and eval, before any work', { timeout: 90_000 }, () => {
  const data = tmp.write(tmp.fresh(), 'd.jsonl', JSON.stringify({ text: SENTENCE }) + '\n');
  for (const bad of ['1.5', 'abc', '-0.1', ''])
    for (const [cmd, args] of [
      ['extract', [SENTENCE]],
      ['predict', ['--model', 'models/webnlg-exact-rin', '--data', data, '--out', join(tmp.fresh(), 'p.jsonl')]],
      ['eval', ['--model', 'models/webnlg-exact-rin', '--data', data]],
    ] as const)
      assertOneLineError(rin([cmd, `--threshold=${bad}`, ...args]), new RegExp(`^rin ${cmd}: error: --threshold must be a number from 0 to 1, got "${bad.replace('.', '\\.')}"$`));
});

test('unknown flags, a port out of range, a directory as --file: one clear line each', { timeout: 90_000 }, () => {
  const unknown = rin(['extract', '--frobnicate', SENTENCE]);
  assertOneLineError(unknown, /^rin extract: error: unknown option --frobnicate \(see rin extract --help\)$/);
  assertOneLineError(rin(['serve', '--port', '99999']), /^rin serve: error: --port must be a whole number from 0 to 65535, got "99999"$/);
  assertOneLineError(rin(['serve', '--port', '80.5']), /^rin serve: error: --port must be a whole number/);
  assertOneLineError(rin(['extract', '--file', tmp.fresh()]), /^rin extract: error: cannot read .*: it is a directory, not a file$/);
});

test('usage errors name the command once', () => {
  assertOneLineError(rin(['convert', '--to', 'jsonl', 'only-one']), /^rin convert: error: expected IN and OUT files/);
  assertOneLineError(rin(['validate']), /^rin validate: error: expected one FILE/);
});

test('extract --jsonl: every output record names its input line; blank lines are skipped, a non-UTF-8 line is an error record, not the end of the file', { timeout: 90_000 }, () => {
  const d = tmp.fresh();
  const good = (t: string) => Buffer.from(JSON.stringify({ text: t, id: t.length }) + '\n');
  const latin1 = Buffer.from('{"text": "Caf\xe9 Zurich is in Switzerland."}\n', 'latin1'); // é as one byte 0xE9
  const file = tmp.write(d, 'in.jsonl', Buffer.concat([good(SENTENCE), Buffer.from('\n'), latin1, good('Rome is in Italy.')]));
  const out = join(d, 'out.jsonl');
  const r = rin(['extract', '--jsonl', '--file', file, '--out', out, '--no-progress']);
  assert.equal(r.code, 2, show(r)); // one line could not be read
  assert.match(r.stderr, /line 3: not valid UTF-8/);
  const records = readFileSync(out, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  assert.deepEqual(
    records.map((x) => x.line),
    [1, 3, 4],
  );
  assert.equal(records[0].id, SENTENCE.length, 'input fields are kept');
  assert.equal(records[0].text, SENTENCE);
  assert.match(records[1].error, /line 3: not valid UTF-8/);
  assert.equal(records[2].text, 'Rome is in Italy.');
});

test('extract --offsets utf16 counts JavaScript string indices in --json output; another unit is a one-line error', { timeout: 90_000 }, () => {
  const text = 'I love it 🎉. Nairobi is the capital of Kenya.';
  const r = rin(['extract', '--json', '--offsets', 'utf16', text]);
  assert.equal(r.code, 0, show(r));
  const out = JSON.parse(r.stdout);
  assert.equal(out.offsetUnit, 'utf16');
  assert.ok(out.entities.length > 0);
  for (const m of out.entities) assert.equal(text.slice(m.start, m.end), m.text);
  assert.ok(
    out.entities.some((m: { text: string; start: number }) => m.text === 'Nairobi' && m.start === 14),
    'after the emoji (2 UTF-16 units)',
  );
  assertOneLineError(rin(['extract', '--offsets', 'bytes', SENTENCE]), /^rin extract: error: "offsets" must be "codepoint" or "utf16", got "bytes"$/);
});
