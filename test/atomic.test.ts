/** Atomic writes: unwritable targets are one clear error (never a hang) and leave no temp file behind. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { writeDirAtomic, writeFileAtomic } from '../src/core/atomic.ts';
import { UserError } from '../src/core/errors.ts';
import { tempFolders } from './helpers.ts';

const tmp = tempFolders('rin-atomic-');

test('a target under /proc is an error within seconds, not a hang (Node 20 recursive mkdirSync spins there)', () => {
  const code = `import { writeFileAtomic } from './src/core/atomic.ts';
    try { writeFileAtomic('/proc/nope/x.json', 'x'); console.log('wrote'); } catch (e) { console.log('error: ' + e.message); }`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { encoding: 'utf8', timeout: 20_000 });
  assert.equal(r.signal, null, 'the write hung and was killed');
  assert.match(r.stdout, /^error: .*\/proc\/nope/);
});

test('a target that is a directory is an error and leaves no temporary file', () => {
  const d = tmp.fresh();
  mkdirSync(join(d, 'out'));
  assert.throws(
    () => writeFileAtomic(join(d, 'out'), 'x'),
    (e: unknown) => e instanceof UserError && /is a directory/.test(e.message),
    'a UserError: the CLI prints it as one line',
  );
  assert.deepEqual(readdirSync(d), ['out']);
});

test('a failed directory write removes its temporary directory', () => {
  const d = tmp.fresh();
  mkdirSync(join(d, 'sub'));
  writeFileSync(join(d, 'sub', 'keep'), 'k');
  // a file name with a missing folder fails after the temporary directory was made
  assert.throws(() => writeDirAtomic(join(d, 'sub', 'model'), { 'no/such': 'x' }));
  assert.deepEqual(readdirSync(join(d, 'sub')), ['keep']);
});

test('missing parent folders are made; the file is written whole', () => {
  const d = tmp.fresh();
  const f = join(d, 'a', 'b', 'c.txt');
  writeFileAtomic(f, 'hello');
  assert.equal(readFileSync(f, 'utf8'), 'hello');
  assert.deepEqual(readdirSync(join(d, 'a', 'b')), ['c.txt']);
});
