/** The wasm kernel replacements (src/engine/kernels.ts) against plain JS references. */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../src/engine/rng.ts';
import { assertClose, randn, setup } from './helpers.ts';

before(setup);

/** Reference slice on nested arrays. */
function refSlice(x: tf.Tensor, begin: number[], size: number[]): number[] {
  const v = x.dataSync();
  const shape = x.shape;
  const strides = shape.map((_, i) => shape.slice(i + 1).reduce((a, b) => a * b, 1));
  const out: number[] = [];
  const rec = (dim: number, off: number) => {
    if (dim === shape.length) return void out.push(v[off]);
    for (let k = begin[dim]; k < begin[dim] + size[dim]; k++) rec(dim + 1, off + k * strides[dim]);
  };
  rec(0, 0);
  return out;
}

test('Slice: every begin/size pattern over ranks 1-4 matches the reference', () => {
  const rng = new Rng(5);
  const cases: [number[], number[], number[]][] = [
    [[10], [3], [4]],
    [
      [4, 6],
      [1, 0],
      [2, 6],
    ], // contiguous rows
    [
      [4, 6],
      [0, 2],
      [4, 3],
    ], // a column band
    [
      [3, 4, 5],
      [1, 1, 0],
      [2, 2, 5],
    ],
    [
      [3, 4, 5],
      [0, 0, 2],
      [3, 4, 1],
    ],
    [
      [2, 3, 4, 5],
      [1, 0, 1, 2],
      [1, 3, 2, 3],
    ],
    [
      [2, 3, 4, 5],
      [0, 2, 0, 0],
      [2, 1, 4, 5],
    ],
  ];
  for (const [shape, begin, size] of cases) {
    const x = randn(rng, shape);
    const got = tf.slice(x, begin, size);
    assert.deepEqual(got.shape, size);
    assert.deepEqual([...got.dataSync()], refSlice(x, begin, size), `slice ${shape} ${begin} ${size}`);
  }
});

test('SplitV and Unpack (used by tf.split / tf.unstack) match the reference', () => {
  const rng = new Rng(6);
  const x = randn(rng, [3, 4, 10]);
  const parts = tf.split(x, [2, -1, 3], 2);
  assert.deepEqual(
    parts.map((p) => p.shape),
    [
      [3, 4, 2],
      [3, 4, 5],
      [3, 4, 3],
    ],
  );
  assert.deepEqual([...parts[1].dataSync()], refSlice(x, [0, 0, 2], [3, 4, 5]));
  const even = tf.split(x, 2, 0 + 2);
  assert.deepEqual([...even[1].dataSync()], refSlice(x, [0, 0, 5], [3, 4, 5]));
  const rows = tf.unstack(x, 1);
  assert.equal(rows.length, 4);
  assert.deepEqual(rows[2].shape, [3, 10]);
  assert.deepEqual([...rows[2].dataSync()], refSlice(x, [0, 2, 0], [3, 1, 10]));
  const first = tf.unstack(x, 0);
  assert.deepEqual([...first[1].dataSync()], refSlice(x, [1, 0, 0], [1, 4, 10]));
});

test('slices of a tensor stay right after the wasm heap grows', () => {
  const rng = new Rng(7);
  const x = randn(rng, [50, 40]);
  const expect = refSlice(x, [10, 5], [20, 30]);
  const big = tf.zeros([8_000_000]); // forces memory growth between allocations
  const got = tf.slice(x, [10, 5], [20, 30]);
  big.dispose();
  assert.deepEqual([...got.dataSync()], expect);
});

test('transposed matmuls equal explicit transposes, and their gradients too', () => {
  const rng = new Rng(8);
  const a = randn(rng, [5, 7]),
    b = randn(rng, [4, 7]),
    c = randn(rng, [5, 3]);
  assertClose(tf.matMul(a, b, false, true).dataSync(), tf.matMul(a, tf.transpose(b)).dataSync(), 1e-5, 'A·Bᵀ');
  assertClose(tf.matMul(a, c, true, false).dataSync(), tf.matMul(tf.transpose(a), c).dataSync(), 1e-5, 'Aᵀ·C');
  const d = randn(rng, [2, 5]);
  assertClose(tf.matMul(c, d, true, true).dataSync(), tf.matMul(tf.transpose(c), tf.transpose(d)).dataSync(), 1e-5, 'Cᵀ·Dᵀ');
  // A dense layer's gradient uses both transposed forms.
  const w = randn(rng, [7, 3]);
  const [ga, gw] = tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.square(tf.matMul(x, y))))([a, w]);
  // Reference: d/dA sum((AW)²) = 2 (AW) Wᵀ, d/dW = 2 Aᵀ (AW), computed in JS.
  const A = a.arraySync() as number[][],
    W = w.arraySync() as number[][];
  const Y = A.map((r) => W[0].map((_, j) => r.reduce((s, v, k) => s + v * W[k][j], 0)));
  const refA = A.map((_, i) => W.map((wr) => 2 * wr.reduce((s, v, j) => s + v * Y[i][j], 0)));
  const refW = W.map((_, k) => W[0].map((__, j) => 2 * A.reduce((s, r, i) => s + r[k] * Y[i][j], 0)));
  assertClose(ga.dataSync(), refA.flat(), 1e-4, 'dA');
  assertClose(gw.dataSync(), refW.flat(), 1e-4, 'dW');
});

test('GatherV2 of rows: ids of any shape, repeated, equal the reference; an id out of range is an error', () => {
  const rng = new Rng(9);
  const table = randn(rng, [6, 3]);
  const ids = tf.tensor2d([5, 0, 5, 2, 1, 1], [2, 3], 'int32');
  const out = tf.gather(table, ids);
  assert.deepEqual(out.shape, [2, 3, 3]);
  const t = table.dataSync();
  assertClose(
    out.dataSync(),
    [5, 0, 5, 2, 1, 1].flatMap((r) => [...t.subarray(r * 3, r * 3 + 3)]),
    0,
    'rows',
  );
  assert.throws(() => tf.gather(table, tf.tensor1d([1, 6], 'int32')), /index value 6 is not in \[0, 5\]/);
  assert.throws(() => tf.gather(table, tf.tensor1d([-1], 'int32')), /index value -1/);
});
