/**
 * Reproducibility: the same seed gives the same run, and a run stopped after an epoch and
 * resumed from its checkpoint ends exactly where an uninterrupted run ends.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { disposeParams } from '../src/model/params.ts';
import { type TrainOptions, train } from '../src/train/trainer.ts';
import { tinyCasrelJson } from './fixtures.ts';
import { setup } from './helpers.ts';

before(setup);
const tmp = mkdtempSync(join(tmpdir(), 'rin-resume-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
const data = join(tmp, 'tiny.json');
writeFileSync(data, tinyCasrelJson());

const opts = (out: string, epochs: number, resume = false): TrainOptions => ({
  train: data,
  dev: data,
  out: join(tmp, out),
  model: { rounds: 1, wordDim: 12, posDim: 4, hiddenDim: 16, taskDim: 16, reDim: 8, intDim: 8 },
  training: { epochs, batchSize: 3, lr: 0.01, seed: 5, patience: 100, unkReplace: 0.3 },
  resume,
  log: () => {},
  progress: false,
});

const weights = (dir: string) => readFileSync(join(dir, 'checkpoint', 'model', 'weights.bin'));
const metrics = (dir: string) => readFileSync(join(dir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => {
  const { seconds, sentencesPerSecond, ...rest } = JSON.parse(l);
  return rest;
});

test('same seed, same run; a killed run resumed from its checkpoint ends identical', async () => {
  const full = await train(opts('full', 3));
  const again = await train(opts('again', 3));
  assert.ok(weights(join(tmp, 'full')).equals(weights(join(tmp, 'again'))), 'two runs with one seed give the same weights');
  const part = await train(opts('split', 2));
  assert.equal(metrics(join(tmp, 'split')).length, 2);
  const rest = await train(opts('split', 3, true));
  assert.ok(weights(join(tmp, 'full')).equals(weights(join(tmp, 'split'))), 'resumed run ends with the same weights');
  assert.deepEqual(metrics(join(tmp, 'split')), metrics(join(tmp, 'full')), 'and the same per-epoch metrics');
  assert.ok(existsSync(join(tmp, 'split', 'model', 'weights.bin')));
  for (const r of [full, again, part, rest]) disposeParams(r.model.params);
});
