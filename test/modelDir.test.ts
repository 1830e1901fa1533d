/**
 * A model directory carries the size and sha256 of its weights; loading checks them and that
 * every weight is finite, so a damaged or diverged model is an error, never silent garbage.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { appendFileSync, cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { UserError } from '../src/core/errors.ts';
import { disposeParams } from '../src/model/params.ts';
import { readModelDir, saveModel } from '../src/io/modelDir.ts';
import { setup, tempFolders } from './helpers.ts';

const tmp = tempFolders('rin-modeldir-');
const SHIPPED = 'models/webnlg-exact-paper';

/** A fresh copy of a model directory saved by this code (so it has the checksum). */
async function savedCopy(): Promise<string> {
  await setup();
  const m = readModelDir(SHIPPED);
  const dir = join(tmp.fresh(), 'model');
  saveModel(dir, m);
  disposeParams(m.params);
  return dir;
}

const rejects = (dir: string, pattern: RegExp) =>
  assert.throws(
    () => readModelDir(dir),
    (e: unknown) => e instanceof UserError && pattern.test((e as Error).message) && (e as Error).message.includes(dir),
    `expected ${pattern}`,
  );

test('model.json records the weights size and sha256, and a saved model loads back', async () => {
  const dir = await savedCopy();
  const head = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
  const bytes = readFileSync(join(dir, 'weights.bin'));
  assert.equal(head.weightsBytes, bytes.length);
  assert.equal(head.weightsSha256, createHash('sha256').update(bytes).digest('hex'));
  disposeParams(readModelDir(dir).params);
});

test('extra bytes after the weights are an error', async () => {
  const dir = await savedCopy();
  appendFileSync(join(dir, 'weights.bin'), Buffer.alloc(8));
  rejects(dir, /weights\.bin has \d+ bytes, model\.json says \d+/);
});

test('random bytes of the right size are an error (checksum)', async () => {
  const dir = await savedCopy();
  const n = readFileSync(join(dir, 'weights.bin')).length;
  const junk = Buffer.alloc(n);
  for (let k = 0; k < n; k++) junk[k] = (k * 2654435761) >>> 24;
  writeFileSync(join(dir, 'weights.bin'), junk);
  rejects(dir, /sha256/);
});

test('NaN weights are an error naming the parameter, even with a matching checksum', async () => {
  const dir = await savedCopy();
  const bytes = readFileSync(join(dir, 'weights.bin'));
  new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4)[7] = NaN;
  writeFileSync(join(dir, 'weights.bin'), bytes);
  const head = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
  head.weightsSha256 = createHash('sha256').update(bytes).digest('hex');
  writeFileSync(join(dir, 'model.json'), JSON.stringify(head));
  rejects(dir, /"[^"]+" holds NaN or infinite values/);
});

test('an older model directory without the checksum still loads, and its size is still checked', async () => {
  const dir = join(tmp.fresh(), 'old');
  cpSync(SHIPPED, dir, { recursive: true });
  const head = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
  delete head.weightsSha256;
  delete head.weightsBytes;
  writeFileSync(join(dir, 'model.json'), JSON.stringify(head));
  disposeParams(readModelDir(dir).params);
  appendFileSync(join(dir, 'weights.bin'), Buffer.alloc(4));
  rejects(dir, /weights\.bin has \d+ bytes, the manifest needs \d+/);
});
