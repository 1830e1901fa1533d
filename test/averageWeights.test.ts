/**
 * scripts/average-weights.ts: the mean of one run's snapshots is a model that loads (size, sha256,
 * finite weights checked) and holds the element-wise mean; a snapshot of another run is an error.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { averageModels } from '../scripts/average-weights.ts';
import { UserError } from '../src/core/errors.ts';
import { readModelDir } from '../src/io/modelDir.ts';
import { disposeParams } from '../src/model/params.ts';
import { setup, tempFolders } from './helpers.ts';

const tmp = tempFolders('rin-average-');
const SHIPPED = 'models/webnlg-exact-paper';

/** A copy of the shipped model whose weights are `f` of the original's. */
function scaledCopy(f: (x: number) => number): string {
  const dir = join(tmp.fresh(), 'model');
  cpSync(SHIPPED, dir, { recursive: true });
  const w = new Float32Array(readFileSync(join(dir, 'weights.bin')).buffer.slice(0)).map(f);
  const bytes = new Uint8Array(w.buffer);
  writeFileSync(join(dir, 'weights.bin'), bytes);
  const head = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
  writeFileSync(join(dir, 'model.json'), JSON.stringify({ ...head, weightsBytes: bytes.length, weightsSha256: createHash('sha256').update(bytes).digest('hex') }));
  return dir;
}

test('average-weights: the mean of x and 3x + 1 is 2x + 0.5, and it loads as a model', async () => {
  await setup();
  const a = scaledCopy((x) => x),
    b = scaledCopy((x) => 3 * x + 1);
  const out = join(tmp.fresh(), 'mean');
  averageModels([a, b], out);
  const m = readModelDir(out),
    orig = readModelDir(SHIPPED);
  try {
    assert.deepEqual([...m.params.keys()], [...orig.params.keys()]);
    for (const [name, t] of orig.params) {
      const want = (t.dataSync() as Float32Array).map((x) => 2 * x + 0.5);
      const got = m.params.get(name)!.dataSync();
      for (let i = 0; i < want.length; i++) assert.ok(Math.abs(got[i] - want[i]) <= 1e-5 * (1 + Math.abs(want[i])), `${name}[${i}]: ${got[i]} against ${want[i]}`);
    }
    assert.deepEqual(JSON.parse(readFileSync(join(out, 'model.json'), 'utf8')).meta.training.averagedFrom, [a, b]);
  } finally {
    disposeParams(m.params);
    disposeParams(orig.params);
  }
});

test('average-weights: a model of another run (other vocabularies) or a single model is an error naming it', () => {
  const a = scaledCopy((x) => x),
    b = scaledCopy((x) => x);
  const vocab = JSON.parse(readFileSync(join(b, 'vocab.json'), 'utf8'));
  vocab.relations[0] = 'renamed';
  writeFileSync(join(b, 'vocab.json'), JSON.stringify(vocab) + '\n');
  const out = join(tmp.fresh(), 'mean');
  assert.throws(
    () => averageModels([a, b], out),
    (e: unknown) => e instanceof UserError && e.message.startsWith(b) && /vocab\.json differs/.test(e.message),
  );
  assert.throws(() => averageModels([a], out), /at least two/);
});
