/** The wasm Identity kernel shares its input's data (kernels.ts): clones stay valid and independent in lifetime. */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { setup } from './helpers.ts';

before(setup);

test('Identity shares data: a clone outlives its source, a variable assigned from a clone keeps its value', () => {
  const before = tf.memory().numDataBuffers;
  const x = tf.tensor2d([1, 2, 3, 4], [2, 2]);
  const y = tf.clone(x);
  assert.equal(tf.memory().numDataBuffers - before, 1, 'the clone adds no buffer');
  x.dispose();
  assert.deepEqual([...y.dataSync()], [1, 2, 3, 4], 'the clone still reads after its source is freed');
  const z = tf.zeros([2, 2]);
  const v = tf.variable(z);
  z.dispose();
  v.assign(y);
  y.dispose();
  assert.deepEqual([...v.dataSync()], [1, 2, 3, 4]);
  tf.tidy(() => v.assign(tf.tensor2d([5, 6, 7, 8], [2, 2])));
  assert.deepEqual([...v.dataSync()], [5, 6, 7, 8]);
  v.dispose();
  assert.equal(tf.memory().numDataBuffers, before, 'nothing leaks');
});

test('Identity: gradients through saved (cloned) tensors are unchanged', () => {
  const x = tf.tensor1d([0.5, -1, 2]);
  const g = tf
    .grad((t: tf.Tensor) => tf.sum(tf.mul(tf.sigmoid(t), t)))(x)
    .dataSync();
  const s = [0.5, -1, 2].map((v) => 1 / (1 + Math.exp(-v)));
  [0.5, -1, 2].forEach((v, k) => assert.ok(Math.abs(g[k] - (s[k] + v * s[k] * (1 - s[k]))) < 1e-6));
});
