/** Shared test helpers: backend set-up, seeded random tensors, closeness checks, temporary folders. */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../src/engine/backend.ts';
import { loadNative, setNativeEnabled } from '../src/engine/addon.ts';
import type { Rng } from '../src/engine/rng.ts';

export async function setup(): Promise<void> {
  await initBackend(process.env.RIN_BACKEND === 'cpu' ? 'cpu' : 'wasm');
}

/**
 * A test run on each engine this machine has: with the native addon (native/rin_native.c) and
 * without it (wasm kernels and JavaScript loops). CI builds the addon, so there both run.
 */
export function testEngines(name: string, fn: () => void | Promise<void>): void {
  const modes = loadNative() ? [true, false] : [false];
  for (const native of modes)
    test(`${name} [${native ? 'native' : 'wasm/JS'}]`, async () => {
      setNativeEnabled(native);
      try {
        await fn();
      } finally {
        setNativeEnabled(true);
      }
    });
}

export function randn(rng: Rng, shape: number[], scale = 1): tf.Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const v = new Float32Array(n);
  for (let k = 0; k < n; k++) v[k] = rng.normal() * scale;
  return tf.tensor(v, shape);
}

export function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  let worst = 0,
    at = -1;
  for (let k = 0; k < actual.length; k++) {
    const d = Math.abs(actual[k] - expected[k]) / Math.max(1, Math.abs(expected[k]));
    if (!(d <= worst)) {
      worst = d;
      at = k;
    }
  }
  assert.ok(worst <= tol, `${what}: max relative difference ${worst} at ${at} (${actual[at]} vs ${expected[at]}) > ${tol}`);
}

/**
 * Temporary folders for one test file, removed after it. Each `fresh()` folder is new, so a
 * side file of one test (rel2id.json, a types file) is never beside another test's data.
 */
export function tempFolders(prefix: string): { fresh(): string; write(dir: string, name: string, content: string | Buffer): string } {
  const root = mkdtempSync(join(tmpdir(), prefix));
  after(() => rmSync(root, { recursive: true, force: true }));
  let count = 0;
  return {
    fresh() {
      const d = join(root, `d${count++}`);
      mkdirSync(d);
      return d;
    },
    write(dir, name, content) {
      const f = join(dir, name);
      writeFileSync(f, content);
      return f;
    },
  };
}
