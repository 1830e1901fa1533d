/**
 * Custom-gradient ops against the plain tfjs formulation (values and gradients) and against
 * central finite differences.
 */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import type { Cell } from '../src/core/types.ts';
import { NO_OBJECT, embeddingLookup, maskedCrossEntropy, maxOverOtherWords, separableBce, tanh } from '../src/engine/ops.ts';
import { Rng } from '../src/engine/rng.ts';
import { finiteDiff } from './finiteDiff.ts';
import { assertClose, randn, setup, testEngines } from './helpers.ts';

before(setup);

test('embeddingLookup: value and gradient equal one-hot matmul; finite differences agree', () => {
  const rng = new Rng(1);
  const V = 7,
    d = 3;
  const table = randn(rng, [V, d]);
  const ids = new Int32Array([0, 3, 3, 6, 1, 3]); // repeated ids must accumulate
  const w = randn(rng, [ids.length, d]);
  const ours = (t: tf.Tensor) => tf.sum(tf.mul(embeddingLookup(t as tf.Tensor2D, ids), w)) as tf.Scalar;
  const plain = (t: tf.Tensor) => tf.sum(tf.mul(tf.matMul(tf.oneHot(tf.tensor1d(ids, 'int32'), V).toFloat(), t), w)) as tf.Scalar;
  assertClose(ours(table).dataSync(), plain(table).dataSync(), 1e-5, 'value');
  const g1 = tf.grad(ours)(table).dataSync();
  const g2 = tf.grad(plain)(table).dataSync();
  assertClose(g1, g2, 1e-5, 'gradient vs plain');
  const coords = [0, 4, 9, 10, 11, 18, 20];
  assertClose(
    coords.map((k) => g1[k]),
    finiteDiff(ours, table, coords),
    2e-2,
    'gradient vs finite differences',
  );
  assert.ok(Math.abs(g1[3 * d]) > 0, 'row 3 (used three times) has a gradient');
  assert.equal(g1[2 * d], 0, 'unused row 2 has no gradient');
});

test('embeddingLookup with fixedRow0: row 0 reads as itself but gets no gradient; other rows as before', () => {
  const rng = new Rng(2);
  const V = 5,
    d = 3;
  const table = randn(rng, [V, d]);
  const ids = new Int32Array([0, 2, 0, 4]);
  const w = randn(rng, [ids.length, d]);
  const fixed = (t: tf.Tensor) => tf.sum(tf.mul(embeddingLookup(t as tf.Tensor2D, ids, true), w)) as tf.Scalar;
  const free = (t: tf.Tensor) => tf.sum(tf.mul(embeddingLookup(t as tf.Tensor2D, ids), w)) as tf.Scalar;
  assertClose(fixed(table).dataSync(), free(table).dataSync(), 1e-6, 'value');
  const gFixed = tf.grad(fixed)(table).dataSync();
  const gFree = tf.grad(free)(table).dataSync();
  for (let k = 0; k < d; k++) assert.equal(gFixed[k], 0, 'row 0 has no gradient');
  assert.ok(Math.abs(gFree[0]) > 0, 'without fixedRow0 row 0 has one');
  assertClose(gFixed.slice(d), gFree.slice(d), 1e-6, 'other rows unchanged');
  const coords = [6, 7, 12, 14];
  assertClose(
    coords.map((k) => gFixed[k]),
    finiteDiff(fixed, table, coords),
    2e-2,
    'gradient vs finite differences',
  );
});

/** Plain formulation of Eq. 1's max: [n, B, n, l] with the j = i and padding cells masked. */
function plainMax(c: tf.Tensor, lengths: number[], selfPairs: boolean): tf.Tensor {
  const [n, B, l] = c.shape;
  const m = new Float32Array(n * B * n);
  for (let i = 0; i < n; i++) for (let b = 0; b < B; b++) for (let j = 0; j < n; j++) m[(i * B + b) * n + j] = j < lengths[b] && (selfPairs || i !== j) ? 0 : -1e9;
  const cj = tf.reshape(tf.transpose(c, [1, 0, 2]), [1, B, n, l]); // [1, B, n(j), l]
  return tf.max(tf.add(cj, tf.tensor4d(m, [n, B, n, 1])), 2); // [n, B, l]
}

for (const selfPairs of [false, true]) {
  test(`maxOverOtherWords (selfPairs=${selfPairs}): value and gradient equal the masked [n,B,n,l] max`, () => {
    const rng = new Rng(2);
    const n = 5,
      B = 3,
      l = 4;
    const lengths = [5, 3, 2];
    const c = randn(rng, [n, B, l]);
    const w = randn(rng, [n, B, l]);
    // Compare on real positions only (padding rows are never used downstream).
    const real = new Float32Array(n * B * l);
    for (let i = 0; i < n; i++) for (let b = 0; b < B; b++) if (i < lengths[b]) real.fill(1, (i * B + b) * l, (i * B + b + 1) * l);
    const wr = tf.mul(w, tf.tensor3d(real, [n, B, l]));
    const ours = (x: tf.Tensor) => tf.sum(tf.mul(maxOverOtherWords(x as tf.Tensor3D, lengths, selfPairs), wr)) as tf.Scalar;
    const plain = (x: tf.Tensor) => tf.sum(tf.mul(plainMax(x, lengths, selfPairs), wr)) as tf.Scalar;
    assertClose(ours(c).dataSync(), plain(c).dataSync(), 1e-5, 'value');
    const g1 = tf.grad(ours)(c).dataSync();
    assertClose(g1, tf.grad(plain)(c).dataSync(), 1e-5, 'gradient');
    const coords = [0, 5, 13, 22, 40];
    assertClose(
      coords.map((k) => g1[k]),
      finiteDiff(ours, c, coords, 1e-3),
      2e-2,
      'finite differences',
    );
  });
}

test('maxOverOtherWords: a one-word sentence has no object (sigmoid ≈ 0)', () => {
  const c = tf.tensor3d([[[0.3, -0.2]]]); // n=1, B=1, l=2
  assert.deepEqual([...maxOverOtherWords(c, [1]).dataSync()], [NO_OBJECT, NO_OBJECT]);
});

/** Plain Eq. 13-14 RE term: softplus(x) - y·x summed over masked cells of the full tensor. */
function plainBce(a: tf.Tensor, c: tf.Tensor, bias: tf.Tensor, lengths: number[], gold: Cell[][], selfPairs: boolean): tf.Scalar {
  const [n, B, l] = a.shape;
  const mask = new Float32Array(n * B * n);
  const y = new Float32Array(n * B * n * l);
  for (let i = 0; i < n; i++) for (let b = 0; b < B; b++) for (let j = 0; j < n; j++) mask[(i * B + b) * n + j] = i < lengths[b] && j < lengths[b] && (selfPairs || i !== j) ? 1 : 0;
  gold.forEach((cells, b) => cells.forEach(({ i, t, j }) => (y[((i * B + b) * n + j) * l + t] = 1)));
  const x = tf.add(tf.add(tf.reshape(a, [n, B, 1, l]), tf.reshape(tf.transpose(c, [1, 0, 2]), [1, B, n, l])), bias); // [n, B, n, l]
  const cell = tf.sub(tf.softplus(x), tf.mul(tf.tensor4d(y, [n, B, n, l]), x));
  return tf.div(tf.sum(tf.mul(cell, tf.tensor4d(mask, [n, B, n, 1]))), B) as tf.Scalar;
}

for (const selfPairs of [false, true]) {
  testEngines(`separableBce (selfPairs=${selfPairs}): loss and gradients equal the full-tensor BCE`, () => {
    const rng = new Rng(3);
    const n = 6,
      B = 3,
      l = 5;
    const lengths = [6, 4, 2];
    // Scale 8 puts some logits past the far-negative fast path (x < -17) as well.
    const a = randn(rng, [n, B, l], 8),
      c = randn(rng, [n, B, l], 8),
      bias = randn(rng, [l]);
    const gold: Cell[][] = [
      [
        { i: 0, t: 1, j: 5 },
        { i: 2, t: 4, j: 1 },
        { i: 2, t: 4, j: 1 },
      ],
      [
        { i: 3, t: 0, j: 0 },
        { i: 1, t: 1, j: 1 },
      ],
      [],
    ];
    const ours = (x: tf.Tensor, y: tf.Tensor, z: tf.Tensor) => separableBce(x as tf.Tensor3D, y as tf.Tensor3D, z as tf.Tensor1D, lengths, gold, selfPairs);
    const plain = (x: tf.Tensor, y: tf.Tensor, z: tf.Tensor) => plainBce(x, y, z, lengths, gold, selfPairs);
    assertClose(ours(a, c, bias).dataSync(), plain(a, c, bias).dataSync(), 1e-5, 'loss');
    const g1 = tf.grads(ours)([a, c, bias]);
    const g2 = tf.grads(plain)([a, c, bias]);
    ['a', 'c', 'bias'].forEach((name, k) => assertClose(g1[k].dataSync(), g2[k].dataSync(), 1e-4, `d/d${name}`));
    const small = [a, c, bias].map((t) => tf.mul(t, 0.1)); // finite differences need a smooth region
    const fd = finiteDiff((x) => ours(x, small[1], small[2]), small[0], [0, 7, 31], 1e-2);
    const an = tf.grads(ours)(small)[0].dataSync();
    assertClose([an[0], an[7], an[31]], fd, 2e-2, 'finite differences');
  });
}

testEngines('separableBce: sentences of one word, of none, and a lone sentence', () => {
  const rng = new Rng(4);
  for (const [n, lengths] of [
    [3, [1, 0, 3]],
    [2, [2]],
  ] as [number, number[]][]) {
    const B = lengths.length;
    const l = 2;
    const [a, c, bias] = [randn(rng, [n, B, l]), randn(rng, [n, B, l]), randn(rng, [l])];
    const gold: Cell[][] = lengths.map((len) => (len > 1 ? [{ i: 0, t: 1, j: len - 1 }] : []));
    const ours = (x: tf.Tensor, y: tf.Tensor, z: tf.Tensor) => separableBce(x as tf.Tensor3D, y as tf.Tensor3D, z as tf.Tensor1D, lengths, gold, false);
    const plain = (x: tf.Tensor, y: tf.Tensor, z: tf.Tensor) => plainBce(x, y, z, lengths, gold, false);
    assertClose(ours(a, c, bias).dataSync(), plain(a, c, bias).dataSync(), 1e-5, `loss, lengths ${lengths}`);
    const g1 = tf.grads(ours)([a, c, bias]);
    const g2 = tf.grads(plain)([a, c, bias]);
    ['a', 'c', 'bias'].forEach((name, k) => assertClose(g1[k].dataSync(), g2[k].dataSync(), 1e-5, `d/d${name}, lengths ${lengths}`));
  }
});

test('tanh: the sigmoid route for large tensors equals tf.tanh in value and gradient', () => {
  const rng = new Rng(5);
  for (const shape of [
    [10, 10],
    [300, 100],
  ]) {
    const x = randn(rng, shape, 2);
    const w = randn(rng, shape);
    assertClose(tanh(x).dataSync(), tf.tanh(x).dataSync(), 1e-6, `value ${shape}`);
    const g1 = tf
      .grad((t: tf.Tensor) => tf.sum(tf.mul(tanh(t), w)))(x)
      .dataSync();
    const g2 = tf
      .grad((t: tf.Tensor) => tf.sum(tf.mul(tf.tanh(t), w)))(x)
      .dataSync();
    assertClose(g1, g2, 1e-5, `gradient ${shape}`);
  }
});

test('maskedCrossEntropy: value and gradient equal one-hot · logSoftmax over real rows / B; finite differences agree', () => {
  const rng = new Rng(6);
  const [N, T, B] = [8, 5, 2];
  const logits = randn(rng, [N, T], 3);
  const gold = new Int32Array([0, 4, 2, 2, 1, 3, 0, 4]);
  const mask = new Float32Array([1, 1, 1, 0, 1, 1, 0, 0]);
  const ours = (x: tf.Tensor) => maskedCrossEntropy(x as tf.Tensor2D, gold, mask, B);
  const plain = (x: tf.Tensor) => tf.div(tf.neg(tf.sum(tf.mul(tf.mul(tf.oneHot(tf.tensor1d(gold, 'int32'), T), tf.logSoftmax(x)), tf.tensor2d(mask, [N, 1])))), B) as tf.Scalar;
  assertClose(ours(logits).dataSync(), plain(logits).dataSync(), 1e-5, 'loss');
  const g1 = tf.grad(ours)(logits).dataSync();
  assertClose(g1, tf.grad(plain)(logits).dataSync(), 1e-5, 'gradient');
  const coords = [0, 4, 9, 17, 22, 39];
  assertClose(
    coords.map((k) => g1[k]),
    finiteDiff(ours, logits, coords, 1e-2),
    2e-2,
    'finite differences',
  );
});
