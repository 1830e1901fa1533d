/**
 * The native addon (native/rin_native.c; src/engine/addon.ts, native.ts, gru.ts): its matmul
 * kernels against tfjs-wasm's own, its GRU op against the tfjs-ops GRU and finite differences,
 * and bad arguments refused. CI builds the addon and installs OpenBLAS (.ci/run), so there it
 * must be present; elsewhere these tests are skipped when it is not.
 */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { nativeGru } from '../src/engine/gru.ts';
import { loadNative, nativeStatus, setNativeEnabled } from '../src/engine/addon.ts';
import { Rng } from '../src/engine/rng.ts';
import { Encoder, newStats } from '../src/features/encode.ts';
import { posTags } from '../src/features/pos.ts';
import { buildVocabs } from '../src/features/vocab.ts';
import { sizesOf } from '../src/io/modelDir.ts';
import { makeBatch } from '../src/model/batch.ts';
import { modelConfig } from '../src/model/config.ts';
import { gruUpdate } from '../src/model/interaction.ts';
import { disposeParams, initParams } from '../src/model/params.ts';
import { Adam } from '../src/train/adam.ts';
import { trainStep } from '../src/train/step.ts';
import { tinySentences } from './fixtures.ts';
import type { Params } from '../src/model/params.ts';
import { finiteDiff } from './finiteDiff.ts';
import { assertClose, randn, setup } from './helpers.ts';
import { PATH_TOLERANCE } from './tolerance.ts';

before(setup);
const skip = loadNative() ? false : `no native addon here: ${nativeStatus().reason}`;

test('CI has the native addon and a BLAS', { skip: !process.env.CI && 'not CI' }, () => {
  assert.ok(nativeStatus().blas, `native kernels missing in CI: ${nativeStatus().reason}`);
});

/** f computed with the native kernels and with wasm's own. */
function bothWays(f: () => tf.Tensor): [Float32Array, Float32Array] {
  const native = tf.tidy(f).dataSync() as Float32Array;
  setNativeEnabled(false);
  try {
    return [native, tf.tidy(f).dataSync() as Float32Array];
  } finally {
    setNativeEnabled(true);
  }
}

test('matMul: every transpose, batched and broadcast, equals the wasm kernel', { skip }, () => {
  const rng = new Rng(1);
  for (const [ta, tb] of [
    [false, false],
    [true, false],
    [false, true],
    [true, true],
  ]) {
    const a = randn(rng, ta ? [5, 7] : [7, 5]);
    const b = randn(rng, tb ? [3, 5] : [5, 3]);
    const [x, y] = bothWays(() => tf.matMul(a, b, ta, tb));
    assertClose(x, y, 1e-5, `2-D transposeA=${ta} transposeB=${tb}`);
    const a3 = randn(rng, ta ? [4, 5, 7] : [4, 7, 5]);
    const b3 = randn(rng, tb ? [1, 3, 5] : [1, 5, 3]); // batch 4 against batch 1
    const [p, q] = bothWays(() => tf.matMul(a3, b3, ta, tb));
    assert.equal(p.length, 4 * 7 * 3);
    assertClose(p, q, 1e-5, `3-D transposeA=${ta} transposeB=${tb}`);
  }
});

test('fused matMul: bias and ReLU (native), other activations (wasm) equal the wasm kernel', { skip }, () => {
  const rng = new Rng(2);
  const a = randn(rng, [6, 4]);
  const b = randn(rng, [4, 5]);
  const bias = randn(rng, [5]);
  for (const activation of ['linear', 'relu', 'elu'] as const) {
    const [x, y] = bothWays(() => tf.fused.matMul({ a, b, bias, activation }));
    assertClose(x, y, 1e-5, activation);
  }
  const [x, y] = bothWays(() => tf.fused.matMul({ a, b: tf.transpose(b), transposeB: true, activation: 'relu' }));
  assertClose(x, y, 1e-5, 'no bias, transposed');
  assert.ok(x.some((v) => v === 0) && x.some((v) => v > 0), 'ReLU applied');
});

test('training-shaped gradients through fused matMul equal the wasm kernels', { skip }, () => {
  const rng = new Rng(3);
  const x = randn(rng, [9, 4]);
  const W = randn(rng, [4, 6]);
  const bias = randn(rng, [6]);
  const w = randn(rng, [9, 6]);
  const f = (xs: tf.Tensor[]) => tf.sum(tf.mul(tf.fused.matMul({ a: xs[0] as tf.Tensor2D, b: xs[1] as tf.Tensor2D, bias: xs[2], activation: 'relu' }), w)) as tf.Scalar;
  for (let k = 0; k < 3; k++) {
    const [p, q] = bothWays(() => tf.grads((...xs: tf.Tensor[]) => f(xs))([x, W, bias])[k]);
    assertClose(p, q, 1e-5, `gradient ${k}`);
  }
});

test('Sum over rows (bias gradients) on the BLAS equals the wasm kernel; other reductions fall back', { skip }, () => {
  const rng = new Rng(6);
  const x = randn(rng, [9, 4]);
  for (const [axis, keepDims] of [
    [0, false],
    [0, true],
    [-2, false],
    [1, false],
    [[0, 1], false],
  ] as [number | number[], boolean][]) {
    const [p, q] = bothWays(() => tf.sum(x, axis, keepDims));
    assertClose(p, q, 1e-5, `axis ${axis} keepDims ${keepDims}`);
  }
  assert.deepEqual(tf.sum(x, 0, true).shape, [1, 4]);
});

/** The GRU's parameters under the names gruUpdate reads. */
function gruCase(seed: number, N: number, d: number, dx: number) {
  const rng = new Rng(seed);
  const W = [0, 1, 2].map(() => randn(rng, [d + dx, d], 0.5) as tf.Tensor2D);
  const p: Params = new Map(['Wz', 'Wu', 'Wo'].map((k, i) => [`updR.${k}`, tf.variable(W[i], true, `gru${seed}${k}`)])) as Params;
  return { h: randn(rng, [N, d]) as tf.Tensor2D, x: randn(rng, [N, dx]) as tf.Tensor2D, W, p, w: randn(rng, [N, d]) };
}

test('native GRU (Eq. 4-7): value and the gradients of h, x, Wz, Wu, Wo equal the tfjs-ops GRU', { skip }, () => {
  const { h, x, W, p, w } = gruCase(4, 7, 5, 3);
  const native = loadNative()!;
  const ours = (...xs: tf.Tensor[]) => tf.sum(tf.mul(nativeGru(native, ...(xs as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D, tf.Tensor2D, tf.Tensor2D])), w)) as tf.Scalar;
  setNativeEnabled(false); // gruUpdate takes its tfjs-ops form
  try {
    const plainValue = gruUpdate(p, 'updR', h, x).dataSync();
    assertClose(nativeGru(native, h, x, W[0], W[1], W[2]).dataSync(), plainValue, 1e-5, "h'");
    const plain = (...xs: tf.Tensor[]) => {
      const q: Params = new Map(['Wz', 'Wu', 'Wo'].map((k, i) => [`updR.${k}`, xs[2 + i]])) as Params;
      return tf.sum(tf.mul(gruUpdate(q, 'updR', xs[0] as tf.Tensor2D, xs[1] as tf.Tensor2D), w)) as tf.Scalar;
    };
    const g2 = tf.grads(plain)([h, x, ...W]);
    setNativeEnabled(true);
    const g1 = tf.grads(ours)([h, x, ...W]);
    ['h', 'x', 'Wz', 'Wu', 'Wo'].forEach((name, k) => assertClose(g1[k].dataSync(), g2[k].dataSync(), 1e-5, `d/d${name}`));
  } finally {
    setNativeEnabled(true);
  }
});

test('native GRU: gradients agree with finite differences', { skip }, () => {
  const { h, x, W, w } = gruCase(5, 4, 3, 2);
  const native = loadNative()!;
  const inputs = [h, x, ...W] as tf.Tensor2D[];
  const grads = tf.grads((...xs: tf.Tensor[]) => tf.sum(tf.mul(nativeGru(native, ...(xs as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D, tf.Tensor2D, tf.Tensor2D])), w)))(inputs);
  inputs.forEach((input, k) => {
    const f = (v: tf.Tensor) => {
      const xs = inputs.slice();
      xs[k] = v as tf.Tensor2D;
      return tf.sum(tf.mul(nativeGru(native, xs[0], xs[1], xs[2], xs[3], xs[4]), w)) as tf.Scalar;
    };
    const coords = [0, 3, input.size - 1];
    assertClose(
      coords.map((q) => grads[k].dataSync()[q]),
      finiteDiff(f, input, coords, 1e-2),
      2e-2,
      `input ${k} vs finite differences`,
    );
  });
});

test('bad arguments are errors, never reads past an array', { skip }, () => {
  const n = loadNative()!;
  const f = (k: number) => new Float32Array(k);
  assert.throws(() => n.sgemm(false, false, 2, 2, 2, f(3), f(4), f(4), null, 0), /shorter than its shape/);
  assert.throws(() => n.sgemm(false, false, 2, 2, 2, f(4), f(4), f(4), f(1), 0), /shorter than its shape/);
  assert.throws(() => n.sgemm(false, false, 2, 2, 2, new Float64Array(4) as unknown as Float32Array, f(4), f(4), null, 0), /A must be a Float32Array/);
  assert.throws(() => n.sgemm(false, false, -1, 2, 2, f(4), f(4), f(4), null, 0), /non-negative/);
  assert.throws(() => n.gruForward(f(6), f(3), f(15), f(15), f(15), 2, 3, 2, f(10), f(10), f(6), f(6), f(6), f(6)), /x has 3 values, needs 4/);
  assert.throws(() => n.lstmForward(f(16), f(16), f(16), f(16), f(2), 2, 1, 2, f(32), f(8), f(8), f(8), f(4), f(7)), /H has 7 values, needs 8/);
  assert.throws(() => n.adam(f(3), f(3), f(2), f(3), f(3), new Float32Array(9)), /differ in length/);
  assert.throws(() => n.bce(f(2), f(2), f(1), new Int32Array(0), 1, 2, 1, false, f(2), f(2)), /lengths must be an Int32Array of B values/);
});

/** Six training steps of a tiny model on batches of different lengths, from the same start. */
function trainedValues(): Float32Array[] {
  const sents = tinySentences();
  const vocabs = buildVocabs(sents, (s) => posTags(s.tokens));
  const config = modelConfig({ variant: 'rin', rounds: 2, wordDim: 16, posDim: 4, hiddenDim: 24, taskDim: 24, reDim: 16, intDim: 16, inputDropout: 0.1 });
  const params = initParams(config, sizesOf(vocabs), 1);
  const enc = new Encoder(vocabs);
  const data = sents.map((s) => enc.encode(s, { spans: 'full', partialNer: 'head', selfPairs: false }, newStats()));
  const opt = new Adam(params, 0.01);
  const rng = new Rng(2);
  for (let k = 0; k < 6; k++) {
    const idx = [k % data.length, (k + 3) % data.length, (k + 5) % data.length].slice(0, 1 + (k % 3)); // 1-3 sentences, lengths vary
    trainStep(params, config, opt, makeBatch(idx.map((i) => data[i])), rng.int(), 0.5); // clipping at 0.5 applies
  }
  const out = [...params.values()].map((v) => (v.dataSync() as Float32Array).slice());
  opt.dispose();
  disposeParams(params);
  return out;
}

test('training steps on batches of changing lengths: the native and the wasm/JS engines reach the same weights', { skip }, () => {
  const native = trainedValues();
  setNativeEnabled(false);
  let plain: Float32Array[];
  try {
    plain = trainedValues();
  } finally {
    setNativeEnabled(true);
  }
  assert.equal(native.length, plain.length);
  native.forEach((v, k) => assertClose(v, plain[k], PATH_TOLERANCE, `parameter ${k}`));
  assert.ok(
    native.some((v, k) => v.some((x, i) => x !== plain[k][i])),
    'the two engines round differently somewhere (else the native path did not run)',
  );
});
