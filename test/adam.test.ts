/**
 * Our Adam (src/train/adam.ts) against tf.train.adam, its state restored by parameter name, and
 * a state that does not fit the model refused with the parameter's name.
 */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { UserError } from '../src/core/errors.ts';
import { Rng } from '../src/engine/rng.ts';
import { type Params, disposeParams, makeVariable } from '../src/model/params.ts';
import { Adam, type SavedMoments } from '../src/train/adam.ts';
import { setup, testEngines } from './helpers.ts';

before(setup);

const SHAPES: [string, number[]][] = [
  ['a.W', [3, 4]],
  ['a.b', [4]],
  ['frozen', [2, 2]],
];

function params(seed: number): Params {
  const rng = new Rng(seed);
  const p: Params = new Map();
  for (const [name, shape] of SHAPES) {
    const values = Float32Array.from({ length: shape.reduce((x, y) => x * y, 1) }, () => rng.normal());
    p.set(name, makeVariable(values, shape, name !== 'frozen', name));
  }
  return p;
}

/** Gradients for step k, keyed by each tf.Variable's name as tf.variableGrads gives them. */
function grads(p: Params, k: number): tf.NamedTensorMap {
  const rng = new Rng(100 + k);
  const out: tf.NamedTensorMap = {};
  for (const v of p.values())
    if (v.trainable)
      out[v.name] = tf.tensor(
        Float32Array.from({ length: v.size }, () => rng.normal() * 3),
        v.shape,
      );
  return out;
}

function step(opt: { applyGradients(g: tf.NamedTensorMap): void }, p: Params, k: number): void {
  const g = grads(p, k);
  opt.applyGradients(g);
  tf.dispose(Object.values(g));
}

const values = (p: Params) => [...p.values()].map((v) => [...v.dataSync()]);

testEngines('the same updates as tf.train.adam, step for step', () => {
  const ours = params(1),
    theirs = params(1);
  const a = new Adam(ours, 0.01),
    b = tf.train.adam(0.01);
  for (let k = 0; k < 6; k++) {
    step(a, ours, k);
    step(b as unknown as Adam, theirs, k);
    // The same float32 ops in the same order: equal to the last bit, not just within rounding.
    assert.deepEqual(values(ours), values(theirs), `step ${k + 1}`);
  }
  assert.equal(a.step, 6);
  assert.deepEqual([...a.moments.keys()], ['a.W', 'a.b'], 'state for trainable parameters only, by name');
  a.dispose();
  b.dispose();
  disposeParams(ours);
  disposeParams(theirs);
});

testEngines('a scaled update (clipping) equals tf.train.adam on the gradients times the scale, to the last bit', () => {
  const ours = params(2),
    theirs = params(2);
  const a = new Adam(ours, 0.01),
    b = tf.train.adam(0.01);
  for (let k = 0; k < 4; k++) {
    const scale = 0.3 + 0.1 * k;
    const g = grads(ours, k);
    a.applyHost(new Map(Object.entries(g).map(([name, t]) => [name, t.dataSync() as Float32Array])), scale);
    // The same values keyed by the other set's variables (gradients are keyed by variable name).
    const g2 = grads(theirs, k);
    const scaled = Object.fromEntries(Object.entries(g2).map(([name, t]) => [name, tf.mul(t, scale)]));
    b.applyGradients(scaled as unknown as Record<string, tf.Variable>);
    tf.dispose([...Object.values(g), ...Object.values(g2), ...Object.values(scaled)]);
    assert.deepEqual(values(ours), values(theirs), `step ${k + 1}, scale ${scale}`);
  }
  a.dispose();
  b.dispose();
  disposeParams(ours);
  disposeParams(theirs);
});

const saved = (a: Adam) => new Map<string, SavedMoments>([...a.moments].map(([name, { m, v }]) => [name, { shape: m.shape, m: m.dataSync() as Float32Array, v: v.dataSync() as Float32Array }]));

test('restored from its saved state, it continues exactly; its tensors are all released', () => {
  const n0 = tf.memory().numTensors;
  const whole = params(2),
    split = params(2);
  const a = new Adam(whole, 0.01);
  for (let k = 0; k < 5; k++) step(a, whole, k);
  const b0 = new Adam(split, 0.01);
  for (let k = 0; k < 3; k++) step(b0, split, k);
  const b = Adam.restore(split, 0.01, b0.step, saved(b0), 'ck');
  b0.dispose();
  for (let k = 3; k < 5; k++) step(b, split, k);
  assert.deepEqual(values(split), values(whole));
  for (const x of [a, b]) x.dispose();
  disposeParams(whole);
  disposeParams(split);
  assert.equal(tf.memory().numTensors, n0);
});

test('a saved state whose names or shapes do not fit the model is a UserError naming the parameter', () => {
  const p = params(3);
  const a = new Adam(p, 0.01);
  const good = saved(a);
  const refuse = (s: Map<string, SavedMoments>, re: RegExp) =>
    assert.throws(
      () => Adam.restore(p, 0.01, 1, s, 'run/checkpoint'),
      (e: unknown) => e instanceof UserError && re.test((e as Error).message) && /start a new run/.test((e as Error).message),
    );
  const missing = new Map(good);
  missing.delete('a.b');
  refuse(missing, /run\/checkpoint: no optimiser state for parameter "a\.b"/);
  refuse(new Map(good).set('a.W', { ...good.get('a.W')!, shape: [4, 3] }), /"a\.W" has shape \[4,3\], the model's is \[3,4\]/);
  refuse(new Map(good).set('old.W', good.get('a.b')!), /"old\.W", which is not a trainable parameter/);
  a.dispose();
  disposeParams(p);
});
