/**
 * Reproducibility: the same seed gives the same run, and a run stopped after an epoch and
 * resumed from its checkpoint ends exactly where an uninterrupted run ends.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { UserError } from '../src/core/errors.ts';
import { disposeParams } from '../src/model/params.ts';
import { loadCheckpoint, saveCheckpoint } from '../src/train/checkpoint.ts';
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

const opts = (out: string, epochs: number, resume = false, log: (line: string) => void = () => {}): TrainOptions => ({
  train: data,
  dev: data,
  out: join(tmp, out),
  preset: 'paper',
  model: { rounds: 1, wordDim: 12, posDim: 4, hiddenDim: 16, taskDim: 16, reDim: 8, intDim: 8 },
  training: { epochs, batchSize: 3, lr: 0.01, seed: 5, patience: 100, unkReplace: 0.3 },
  resume,
  log,
  progress: false,
});

const weights = (dir: string) => readFileSync(join(dir, 'checkpoint', 'model', 'weights.bin'));
const metrics = (dir: string) =>
  readFileSync(join(dir, 'metrics.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => {
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

test('a resumed run takes its learning rate from the checkpoint, not the preset, when --lr is not repeated', async () => {
  const full = await train(opts('lr-full', 2));
  const part = await train(opts('lr-split', 1));
  const lines: string[] = [];
  // Only what a user retypes after a kill: the paper preset's lr (1e-3) must not replace the run's 0.01.
  const rest = await train({ ...opts('lr-split', 2, true, (l) => lines.push(l)), training: { epochs: 2 } });
  assert.ok(weights(join(tmp, 'lr-full')).equals(weights(join(tmp, 'lr-split'))), 'resumed run ends with the weights of the uninterrupted one');
  assert.ok(
    lines.some((l) => /overridden: epochs 1 → 2/.test(l)),
    lines.join('\n'),
  );
  assert.ok(!lines.some((l) => /overridden:.* lr /.test(l)), 'no lr override is reported when none was given');
  for (const r of [full, part, rest]) disposeParams(r.model.params);
});

test('resuming with a new learning rate says so; a setting that cannot change mid-run is refused', async () => {
  const part = await train(opts('lr-change', 1));
  const lines: string[] = [];
  const rest = await train({ ...opts('lr-change', 2, true, (l) => lines.push(l)), training: { epochs: 2, lr: 0.005 } });
  assert.ok(
    lines.some((l) => /overridden: .*lr 0\.01 → 0\.005/.test(l)),
    lines.join('\n'),
  );
  const last = JSON.parse(readFileSync(join(tmp, 'lr-change', 'checkpoint', 'model', 'model.json'), 'utf8'));
  assert.equal(last.train.lr, 0.005, 'the run went on with the new rate');
  await assert.rejects(
    train({ ...opts('lr-change', 3, true), training: { epochs: 3, batchSize: 4 } }),
    (e: unknown) => e instanceof UserError && /batchSize 3.*4/.test((e as Error).message) && !/\n/.test((e as Error).message),
  );
  for (const r of [part, rest]) disposeParams(r.model.params);
});

test('--resume without a checkpoint is an error, not a fresh start', async () => {
  mkdirSync(join(tmp, 'empty'), { recursive: true });
  await assert.rejects(train(opts('empty', 1, true)), (e: unknown) => e instanceof UserError && /no checkpoint in .*empty.checkpoint; drop --resume to start a new run/.test((e as Error).message));
  assert.equal(existsSync(join(tmp, 'empty', 'model')), false, 'nothing trained');
});

test('training into a folder that holds a model needs --overwrite, which starts the folder afresh', async () => {
  const first = await train(opts('taken', 2));
  const before = weights(join(tmp, 'taken'));
  await assert.rejects(train(opts('taken', 1)), (e: unknown) => e instanceof UserError && /already holds a model.*--overwrite/.test((e as Error).message));
  assert.ok(weights(join(tmp, 'taken')).equals(before), 'the refused run left the model alone');
  await assert.rejects(train({ ...opts('taken', 1, true), overwrite: true }), (e: unknown) => e instanceof UserError && /--resume.*--overwrite/.test((e as Error).message));
  const second = await train({ ...opts('taken', 1), overwrite: true });
  assert.equal(metrics(join(tmp, 'taken')).length, 1, 'metrics of the new run only');
  for (const r of [first, second]) disposeParams(r.model.params);
});

test('saving and loading a checkpoint leaves no tensor behind', async () => {
  const r = await train(opts('leak', 1));
  disposeParams(r.model.params);
  const n0 = tf.memory().numTensors;
  const ck = loadCheckpoint(join(tmp, 'leak', 'checkpoint'));
  saveCheckpoint(join(tmp, 'leak-copy'), ck.model, ck.opt, ck.state);
  disposeParams(ck.model.params);
  ck.opt.dispose();
  assert.equal(tf.memory().numTensors, n0);
});

test('a checkpoint whose optimiser state does not fit the model, or from before names were saved, is refused clearly', async () => {
  const r = await train(opts('misfit', 1));
  disposeParams(r.model.params);
  const ck = join(tmp, 'misfit', 'checkpoint');
  const state = readFileSync(join(ck, 'state.json'), 'utf8');
  const n0 = tf.memory().numTensors;
  const refused = (re: RegExp) =>
    assert.throws(
      () => loadCheckpoint(ck),
      (e: unknown) => e instanceof UserError && re.test((e as Error).message) && /start a new run/.test((e as Error).message),
    );
  writeFileSync(join(ck, 'state.json'), state.replaceAll('"fr.W/', '"fr.Wx/'));
  refused(/no optimiser state for parameter "fr\.W"/);
  const { adam: _, ...rest } = JSON.parse(state);
  writeFileSync(
    join(ck, 'state.json'),
    JSON.stringify({
      ...rest,
      optimizer: [
        { name: 'accBeta1', shape: [], offset: 0 },
        { name: 'm0', shape: [2], offset: 1 },
      ],
    }),
  );
  refused(/older rin/);
  assert.equal(tf.memory().numTensors, n0, 'a refused checkpoint leaves no tensor behind');
});
