/**
 * The model: shapes over B, n, K and padding for every variant; golden values against an
 * independent plain-JS implementation of the paper's equations (test/reference.ts);
 * padding invariance; seeded determinism.
 */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../src/engine/rng.ts';
import type { EncodedSentence } from '../src/core/types.ts';
import { makeBatch } from '../src/model/batch.ts';
import { type ModelConfig, modelConfig } from '../src/model/config.ts';
import { type Params, initParams, paramShapes } from '../src/model/params.ts';
import { forward } from '../src/model/rin.ts';
import { type HostParams, referenceForward } from './reference.ts';
import { assertClose, setup } from './helpers.ts';
import { PATH_TOLERANCE } from './tolerance.ts';

before(setup);

const SIZES = { words: 12, posTags: 7, nerTags: 5, relations: 3, chars: 0 };
const TINY = { wordDim: 4, posDim: 2, hiddenDim: 6, taskDim: 5, reDim: 3, intDim: 4 };

const VARIANTS: [string, Partial<ModelConfig>][] = [
  ['rin K=2', { variant: 'rin', rounds: 2 }],
  ['rin K=1 selfPairs', { variant: 'rin', rounds: 1, selfPairs: true }],
  ['rin_rnn K=2', { variant: 'rin_rnn', rounds: 2 }],
  ['rin_linear K=1', { variant: 'rin_linear', rounds: 1 }],
  ['bilstm', { variant: 'bilstm' }],
  ['bilstm_s', { variant: 'bilstm_s' }],
  ['rin without ŷ', { variant: 'rin', rounds: 1, intUsesRel: false }],
  ['rin without ȳ', { variant: 'rin', rounds: 1, intUsesEnt: false }],
  ['rin without H', { variant: 'rin', rounds: 1, intUsesH: false }],
];

/** Fresh parameters with every value (biases too) random, so no term can hide behind a zero. */
function randomParams(cfg: ModelConfig, seed: number): Params {
  const p = initParams(cfg, SIZES, seed);
  const rng = new Rng(seed + 100);
  for (const v of p.values()) {
    const vals = new Float32Array(v.size);
    for (let k = 0; k < vals.length; k++) vals[k] = rng.normal() * 0.6;
    v.assign(tf.tensor(vals, v.shape));
  }
  return p;
}

function host(p: Params): HostParams {
  return new Map([...p].map(([k, v]) => [k, { shape: v.shape, v: v.dataSync() as Float32Array }]));
}

function sentence(rng: Rng, len: number): EncodedSentence {
  return {
    words: Array.from({ length: len }, () => 1 + Math.floor(rng.next() * (SIZES.words - 1))),
    pos: Array.from({ length: len }, () => 1 + Math.floor(rng.next() * (SIZES.posTags - 1))),
  };
}

function run(p: Params, cfg: ModelConfig, items: EncodedSentence[]) {
  const batch = makeBatch(items);
  let out!: { shapes: number[][]; ner: Float32Array; a: Float32Array; c: Float32Array; bias: Float32Array };
  tf.tidy(() => {
    const o = forward(p, cfg, batch, { training: false });
    const host = (t: tf.Tensor) => t.dataSync() as Float32Array;
    out = { shapes: [o.ner.shape, o.a.shape, o.c.shape, o.bias.shape], ner: host(o.ner), a: host(o.a), c: host(o.c), bias: host(o.bias) };
  });
  return out;
}

/** Rows of sentence b at its real positions, from a time-major [n*B, d] array. */
function rows(v: ArrayLike<number>, n: number, B: number, b: number, len: number): number[] {
  const d = v.length / (n * B);
  const out: number[] = [];
  for (let i = 0; i < len; i++) for (let k = 0; k < d; k++) out.push(v[(i * B + b) * d + k]);
  return out;
}

for (const [name, over] of VARIANTS) {
  test(`${name}: shapes over B, n, K and padding; golden values against the JS reference`, () => {
    const cfg = modelConfig({ ...TINY, ...over });
    const p = randomParams(cfg, 3);
    assert.deepEqual(
      [...p.keys()],
      paramShapes(cfg, SIZES).map(([k]) => k),
      'parameters as the config says',
    );
    const rng = new Rng(9);
    const lens = [5, 1, 3, 2];
    const items = lens.map((l) => sentence(rng, l));
    const out = run(p, cfg, items);
    const n = 5,
      B = 4,
      l = SIZES.relations;
    assert.deepEqual(out.shapes, [[n * B, 5], [n, B, l], [n, B, l], [l]]);
    const hp = host(p);
    items.forEach((s, b) => {
      const ref = referenceForward(hp, cfg, s.words, s.pos);
      const len = s.words.length;
      assertClose(rows(out.ner, n, B, b, len), ref.ner.flat(), PATH_TOLERANCE, `${name} NER logits, sentence ${b}`);
      assertClose(rows(out.a, n, B, b, len), ref.a.flat(), PATH_TOLERANCE, `${name} RE subject part a, sentence ${b}`);
      assertClose(rows(out.c, n, B, b, len), ref.c.flat(), PATH_TOLERANCE, `${name} RE object part c, sentence ${b}`);
    });
    assertClose(out.bias, hp.get('re.b')!.v, 0, 'bias');
    for (const v of p.values()) v.dispose();
  });
}

test('padding invariance: a sentence scores the same alone and in a batch of longer ones', () => {
  const cfg = modelConfig({ ...TINY, variant: 'rin', rounds: 3 });
  const p = randomParams(cfg, 4);
  const rng = new Rng(10);
  const s = sentence(rng, 3);
  const alone = run(p, cfg, [s]);
  const mixed = run(p, cfg, [sentence(rng, 7), s, sentence(rng, 5)]);
  assertClose(rows(mixed.ner, 7, 3, 1, 3), rows(alone.ner, 3, 1, 0, 3), PATH_TOLERANCE, 'NER');
  assertClose(rows(mixed.a, 7, 3, 1, 3), rows(alone.a, 3, 1, 0, 3), PATH_TOLERANCE, 'a');
  assertClose(rows(mixed.c, 7, 3, 1, 3), rows(alone.c, 3, 1, 0, 3), PATH_TOLERANCE, 'c');
});

test('K changes the output (the updates are used) and K = 0 equals bilstm_s', () => {
  const rng = new Rng(11);
  const items = [sentence(rng, 4), sentence(rng, 6)];
  const base = modelConfig({ ...TINY, variant: 'rin', rounds: 0 });
  const p = randomParams(modelConfig({ ...TINY, variant: 'rin', rounds: 2 }), 5);
  const k0 = run(p, base, items);
  const s = run(p, modelConfig({ ...TINY, variant: 'bilstm_s' }), items);
  const k2 = run(p, modelConfig({ ...TINY, variant: 'rin', rounds: 2 }), items);
  assertClose(k0.a, s.a, 0, 'K=0 vs bilstm_s');
  assert.ok(
    k2.a.some((v, k) => Math.abs(v - k0.a[k]) > 1e-3),
    'K=2 differs from K=0',
  );
});

test('same seed, same parameters and outputs; another seed, other ones', () => {
  const cfg = modelConfig({ ...TINY });
  const rng = new Rng(12);
  const items = [sentence(rng, 4)];
  const a = run(initParams(cfg, SIZES, 7), cfg, items);
  const b = run(initParams(cfg, SIZES, 7), cfg, items);
  const c = run(initParams(cfg, SIZES, 8), cfg, items);
  assert.deepEqual([...a.a], [...b.a]);
  assert.notDeepEqual([...a.a], [...c.a]);
});

test('dropout only in training, and reproducible from its seed', () => {
  const cfg = modelConfig({ ...TINY, inputDropout: 0.5 });
  const p = randomParams(cfg, 6);
  const batch = makeBatch([sentence(new Rng(13), 6)]);
  const get = (training: boolean, seed: number) => tf.tidy(() => forward(p, cfg, batch, training ? { training, seed } : { training }).a.dataSync());
  assert.deepEqual([...get(false, 1)], [...get(false, 2)], 'no dropout at inference');
  assert.deepEqual([...get(true, 1)], [...get(true, 1)], 'same seed, same mask');
  assert.notDeepEqual([...get(true, 1)], [...get(true, 2)], 'another seed, another mask');
  // Without a seed every call would repeat one mask: a training call must name its seed.
  const noSeed = { training: true } as unknown as { training: true; seed: number };
  assert.throws(() => forward(p, cfg, batch, noSeed), /training needs an integer seed/);
});

test('config validation lists every problem', () => {
  assert.throws(() => modelConfig({ variant: 'nope' as never, rounds: -1, hiddenDim: 7 }), /variant.*rounds.*hiddenDim/s);
  assert.throws(() => modelConfig({ bogus: 1 } as never), /unknown option "bogus"/);
  assert.throws(() => modelConfig({ rounds: '3' } as never), /"rounds" must be a number/);
});
