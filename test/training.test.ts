/**
 * Training behaviour: a tiny model overfits 8 sentences to F1 = 1.0; no tensors leak across
 * steps; save/load round-trips to identical predictions; a corrupt model directory is a clear error.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { Encoder, newStats } from '../src/features/encode.ts';
import { posTags } from '../src/features/pos.ts';
import { UserError } from '../src/core/errors.ts';
import { buildVocabs } from '../src/features/vocab.ts';
import { Rng } from '../src/engine/rng.ts';
import { evaluate } from '../src/eval/evaluate.ts';
import { predict } from '../src/eval/predict.ts';
import { type RinModel, readModelDir, saveModel, sizesOf } from '../src/io/modelDir.ts';
import { makeBatch } from '../src/model/batch.ts';
import { modelConfig, trainConfig } from '../src/model/config.ts';
import { disposeParams, initParams } from '../src/model/params.ts';
import { bucketedBatches } from '../src/model/batches.ts';
import { trainStep } from '../src/train/step.ts';
import { tinySentences } from './fixtures.ts';
import { setup } from './helpers.ts';

before(setup);
const tmp = mkdtempSync(join(tmpdir(), 'rin-training-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

function tinyModel(variant: 'rin' | 'bilstm' = 'rin'): RinModel {
  const sents = tinySentences();
  const vocabs = buildVocabs(sents, (s) => posTags(s.tokens));
  const config = modelConfig({ variant, rounds: 2, wordDim: 16, posDim: 4, hiddenDim: 24, taskDim: 24, reDim: 16, intDim: 16, inputDropout: 0 });
  const train = trainConfig({ lr: 0.01, batchSize: 4 });
  return { config, train, vocabs, params: initParams(config, sizesOf(vocabs), 1), meta: { codeVersion: 'test', seed: 1, spans: 'full', createdAt: '' } };
}

function fit(m: RinModel, steps: number): number[] {
  const sents = tinySentences();
  const enc = new Encoder(m.vocabs);
  const data = sents.map((s) => enc.encode(s, { spans: 'full', partialNer: 'head', selfPairs: false }, newStats()));
  const opt = tf.train.adam(m.train.lr);
  const rng = new Rng(2);
  const counts: number[] = [];
  for (let s = 0; s < steps; ) {
    for (const idx of bucketedBatches(
      data.map((d) => d.words.length),
      m.train.batchSize,
      rng,
    )) {
      if (s++ >= steps) break;
      trainStep(m.params, m.config, opt, makeBatch(idx.map((k) => data[k])), rng.int(), 5);
      counts.push(tf.memory().numTensors);
    }
  }
  opt.dispose();
  return counts;
}

test('a tiny RIN overfits 8 sentences: exact-match F1 = 1.0 and NER F1 = 1.0', () => {
  const m = tinyModel();
  fit(m, 300);
  const ev = evaluate(m, tinySentences(), 'full');
  assert.equal(ev.scores.exact!.f1, 1, `exact F1 ${ev.scores.exact!.f1} (P ${ev.scores.exact!.precision}, R ${ev.scores.exact!.recall})`);
  assert.equal(ev.scores.partial.f1, 1);
  assert.equal(ev.scores.ner.f1, 1);
  disposeParams(m.params);
});

test('no tensor leaks across training steps', () => {
  const m = tinyModel();
  const counts = fit(m, 12);
  // Adam creates its moment variables on the first step; after that the count must not move.
  assert.deepEqual(counts.slice(2), new Array(counts.length - 2).fill(counts[1]), `tensors per step: ${counts}`);
  const before = tf.memory().numTensors;
  predict(m, tinySentences());
  evaluate(m, tinySentences(), 'full');
  assert.equal(tf.memory().numTensors, before, 'prediction and evaluation leave no tensors behind');
  disposeParams(m.params);
});

test('save/load round-trip gives identical predictions and scores', () => {
  const m = tinyModel();
  fit(m, 150);
  const dir = join(tmp, 'roundtrip');
  saveModel(dir, m);
  const back = readModelDir(dir);
  assert.deepEqual(back.config, m.config);
  assert.deepEqual(back.vocabs, m.vocabs);
  for (const [k, v] of m.params) assert.deepEqual([...back.params.get(k)!.dataSync()], [...v.dataSync()], `weights ${k}`);
  const p1 = predict(m, tinySentences()).predictions;
  const p2 = predict(back, tinySentences()).predictions;
  assert.deepEqual(p2, p1);
  assert.ok(
    p1.some((p) => p.triples.length > 0),
    'the model predicts something, so the comparison means something',
  );
  // Saving again over an existing directory replaces it whole.
  saveModel(dir, back);
  assert.deepEqual(predict(readModelDir(dir), tinySentences()).predictions, p1);
  disposeParams(m.params);
  disposeParams(back.params);
});

test('a corrupt or incompatible model directory is a UserError that says what is wrong', () => {
  const m = tinyModel('bilstm');
  const dir = join(tmp, 'corrupt');
  saveModel(dir, m);
  const head = readFileSync(join(dir, 'model.json'), 'utf8');
  const weights = readFileSync(join(dir, 'weights.bin'));
  const expectError = (re: RegExp) =>
    assert.throws(
      () => readModelDir(dir),
      (e: unknown) => e instanceof UserError && re.test((e as Error).message),
    );
  writeFileSync(join(dir, 'weights.bin'), weights.subarray(0, weights.length - 8));
  expectError(/corrupt model directory.*weights\.bin|needs values/);
  writeFileSync(join(dir, 'weights.bin'), weights);
  writeFileSync(join(dir, 'model.json'), head.slice(0, 50));
  expectError(/corrupt model directory \(model\.json/);
  writeFileSync(join(dir, 'model.json'), head.replace('"formatVersion": 1', '"formatVersion": 99'));
  expectError(/format version 99 is not supported/);
  writeFileSync(join(dir, 'model.json'), head.replace('"hiddenDim": 24', '"hiddenDim": 26'));
  expectError(/shape/);
  writeFileSync(join(dir, 'model.json'), head);
  rmSync(join(dir, 'vocab.json'));
  expectError(/missing vocab\.json/);
  assert.throws(() => readModelDir(join(tmp, 'nope')), /no such model directory/);
  disposeParams(m.params);
});

test('patience and epochs below 1 are refused: a run that cannot train one epoch would save an untrained model', () => {
  for (const bad of [{ patience: 0 }, { epochs: 0 }, { patience: -2 }]) {
    const key = Object.keys(bad)[0];
    assert.throws(
      () => trainConfig(bad),
      (e: unknown) => e instanceof UserError && new RegExp(`"${key}" must be an integer ≥ 1`).test((e as Error).message),
      key,
    );
  }
  assert.equal(trainConfig({ patience: 1, epochs: 1 }).patience, 1);
});
