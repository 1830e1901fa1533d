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
import { Rng } from '../src/engine/rng.ts';

before(setup);
const tmp = mkdtempSync(join(tmpdir(), 'rin-resume-'));
process.env.RIN_CACHE_DIR = join(tmp, 'cache'); // the default-recipe test's small vectors are cached here, not in ~/.cache
after(() => rmSync(tmp, { recursive: true, force: true }));
const data = join(tmp, 'tiny.json');
writeFileSync(data, tinyCasrelJson());

const opts = (out: string, epochs: number, resume = false): TrainOptions => ({
  train: data,
  dev: data,
  out: join(tmp, out),
  preset: 'paper',
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

/** A 12-d vectors file for most tiny-corpus words (some left out, so <unk> is used too). */
function smallVectors(): string {
  const rng = new Rng(3);
  const words = [...new Set(JSON.parse(tinyCasrelJson()).flatMap((r: { text: string }) => r.text.toLowerCase().split(' ')))] as string[];
  const lines = words.filter((_, k) => k % 5 !== 0).map((w) => `${w} ${Array.from({ length: 12 }, () => rng.normal().toFixed(4)).join(' ')}`);
  const file = join(tmp, 'vectors.txt');
  writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

test('the default recipe (open vocabulary, characters, mention dropout) also resumes exactly', async () => {
  const vectors = smallVectors();
  const dflt = (out: string, epochs: number, resume = false): TrainOptions => ({
    ...opts(out, epochs, resume),
    preset: 'default',
    embeddings: vectors,
    model: { rounds: 1, wordDim: 12, posDim: 4, hiddenDim: 16, taskDim: 16, reDim: 8, intDim: 8, charDim: 6, charFilters: 8 },
    training: { epochs, batchSize: 3, lr: 0.01, seed: 5, patience: 100, minWordCount: 1 },
  });
  const full = await train(dflt('d-full', 3));
  assert.equal(full.model.config.wordInput, 'open');
  assert.ok(full.model.table, 'the open-vocabulary model carries its table');
  const part = await train(dflt('d-split', 2));
  const rest = await train(dflt('d-split', 3, true));
  assert.ok(weights(join(tmp, 'd-full')).equals(weights(join(tmp, 'd-split'))), 'resumed run ends with the same weights');
  assert.deepEqual(metrics(join(tmp, 'd-split')), metrics(join(tmp, 'd-full')), 'and the same per-epoch metrics');
  for (const r of [full, part, rest]) disposeParams(r.model.params);
});
