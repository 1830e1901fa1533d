/**
 * The BiLSTM custom op (src/engine/biLstm.ts) against the plain tfjs formulation, one direction
 * at a time and step by step, in value and in the gradients of all four inputs; and against
 * central finite differences.
 */
import assert from 'node:assert/strict';
import { before } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { biLstm } from '../src/engine/biLstm.ts';
import { Rng } from '../src/engine/rng.ts';
import { finiteDiff } from './finiteDiff.ts';
import { assertClose, randn, setup, testEngines } from './helpers.ts';

before(setup);

/** One LSTM direction with autograd ops; the backward one multiplies its state by the mask. */
function plainDirection(x: tf.Tensor2D, U: tf.Tensor2D, mask: Float32Array, n: number, backward: boolean): tf.Tensor2D[] {
  const B = x.shape[0] / n;
  const h = U.shape[0];
  let hPrev = tf.zeros([B, h]) as tf.Tensor2D;
  let cPrev = tf.zeros([B, h]) as tf.Tensor2D;
  const out: tf.Tensor2D[] = new Array(n);
  for (let s = 0; s < n; s++) {
    const t = backward ? n - 1 - s : s;
    const keep = backward ? tf.tensor2d(mask.slice(t * B, (t + 1) * B), [B, 1]) : tf.ones([B, 1]);
    const gates = tf.add(tf.slice(x, [t * B, 0], [B, 4 * h]), tf.matMul(hPrev, U)); // [B, 4h]
    const [gi, gf, gg, go] = tf.split(gates, 4, 1);
    const c = tf.mul(tf.add(tf.mul(tf.sigmoid(gf), cPrev), tf.mul(tf.sigmoid(gi), tf.tanh(gg))), keep) as tf.Tensor2D; // [B, h]
    const hNew = tf.mul(tf.mul(tf.sigmoid(go), tf.tanh(c)), keep) as tf.Tensor2D; // [B, h]
    out[t] = hNew;
    hPrev = hNew;
    cPrev = c;
  }
  return out;
}

function plainBiLstm(xFw: tf.Tensor2D, xBw: tf.Tensor2D, uFw: tf.Tensor2D, uBw: tf.Tensor2D, mask: Float32Array, n: number): tf.Tensor2D {
  const fw = plainDirection(xFw, uFw, mask, n, false);
  const bw = plainDirection(xBw, uBw, mask, n, true);
  return tf.concat(
    fw.map((f, t) => tf.concat([f, bw[t]], 1)),
    0,
  ) as tf.Tensor2D; // [n*B, 2h]
}

function setupCase(seed: number) {
  const rng = new Rng(seed);
  const n = 5,
    B = 3,
    h = 4;
  const lengths = [5, 3, 1];
  const mask = new Float32Array(n * B);
  for (let t = 0; t < n; t++) for (let b = 0; b < B; b++) mask[t * B + b] = t < lengths[b] ? 1 : 0;
  const inputs = [randn(rng, [n * B, 4 * h]), randn(rng, [n * B, 4 * h]), randn(rng, [h, 4 * h], 0.7), randn(rng, [h, 4 * h], 0.7)] as tf.Tensor2D[];
  const w = randn(rng, [n * B, 2 * h]); // weights of the scalar the gradients are taken of
  return { n, B, h, mask, inputs, w };
}

testEngines('biLstm: value and the gradients of xFw, xBw, uFw, uBw equal the step-by-step tfjs LSTM', () => {
  const { n, mask, inputs, w } = setupCase(1);
  const ours = (...xs: tf.Tensor[]) => tf.sum(tf.mul(biLstm(...(xs as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D, tf.Tensor2D]), mask, n), w)) as tf.Scalar;
  const plain = (...xs: tf.Tensor[]) => tf.sum(tf.mul(plainBiLstm(...(xs as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D, tf.Tensor2D]), mask, n), w)) as tf.Scalar;
  const [xFw, xBw, uFw, uBw] = inputs;
  assertClose(biLstm(xFw, xBw, uFw, uBw, mask, n).dataSync(), plainBiLstm(xFw, xBw, uFw, uBw, mask, n).dataSync(), 1e-5, 'H');
  const g1 = tf.grads(ours)(inputs);
  const g2 = tf.grads(plain)(inputs);
  ['xFw', 'xBw', 'uFw', 'uBw'].forEach((name, k) => assertClose(g1[k].dataSync(), g2[k].dataSync(), 1e-5, `d/d${name}`));
  // The backward direction's padding (sentence 2 after its first word) gets no gradient.
  const B = 3,
    G = 16;
  for (let t = 1; t < n; t++) for (let q = 0; q < G; q++) assert.equal(Math.abs(g1[1].dataSync()[(t * B + 2) * G + q]), 0, 'padding of the backward direction');
});

testEngines('biLstm: gradients agree with finite differences', () => {
  const { n, mask, inputs, w } = setupCase(2);
  const grads = tf.grads((...xs: tf.Tensor[]) => tf.sum(tf.mul(biLstm(...(xs as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D, tf.Tensor2D]), mask, n), w)))(inputs);
  inputs.forEach((x, k) => {
    const f = (v: tf.Tensor) => {
      const xs = inputs.slice() as tf.Tensor2D[];
      xs[k] = v as tf.Tensor2D;
      return tf.sum(tf.mul(biLstm(xs[0], xs[1], xs[2], xs[3], mask, n), w)) as tf.Scalar;
    };
    const coords = [0, 5, 17, 33, 50];
    assertClose(
      coords.map((q) => grads[k].dataSync()[q]),
      finiteDiff(f, x, coords, 1e-2),
      2e-2,
      `input ${k} vs finite differences`,
    );
  });
});

testEngines('biLstm: one step (n = 1) and one sentence (B = 1)', () => {
  const rng = new Rng(3);
  for (const [n, B] of [
    [1, 3],
    [4, 1],
  ]) {
    const h = 2;
    const mask = new Float32Array(n * B).fill(1);
    const xs = [randn(rng, [n * B, 4 * h]), randn(rng, [n * B, 4 * h]), randn(rng, [h, 4 * h]), randn(rng, [h, 4 * h])] as tf.Tensor2D[];
    assertClose(biLstm(xs[0], xs[1], xs[2], xs[3], mask, n).dataSync(), plainBiLstm(xs[0], xs[1], xs[2], xs[3], mask, n).dataSync(), 1e-5, `n=${n} B=${B}`);
  }
});
