/** Shared test helpers: backend set-up, seeded random tensors, closeness checks. */
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../src/engine/backend.ts';
import { Rng } from '../src/engine/rng.ts';

export async function setup(): Promise<void> {
  await initBackend(process.env.RIN_BACKEND === 'cpu' ? 'cpu' : 'wasm');
}

export function randn(rng: Rng, shape: number[], scale = 1): tf.Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const v = new Float32Array(n);
  for (let k = 0; k < n; k++) v[k] = rng.normal() * scale;
  return tf.tensor(v, shape);
}

export function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  let worst = 0, at = -1;
  for (let k = 0; k < actual.length; k++) {
    const d = Math.abs(actual[k] - expected[k]) / Math.max(1, Math.abs(expected[k]));
    if (!(d <= worst)) { worst = d; at = k; }
  }
  assert.ok(worst <= tol, `${what}: max relative difference ${worst} at ${at} (${actual[at]} vs ${expected[at]}) > ${tol}`);
}
