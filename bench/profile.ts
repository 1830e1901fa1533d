/**
 * Where a training step's time goes: every wasm kernel wrapped with a timer, one training step
 * of the synthetic batch (bench/synthetic.ts) at the NYT-like shape, time per kernel name.
 *
 *   node --import tsx bench/profile.ts [--preset paper|default] [--steps 5]
 */
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../src/engine/backend.ts';
import type { PresetName } from '../src/model/presets.ts';
import { NYT_LIKE, synthetic } from './synthetic.ts';

const { values: v } = parseArgs({ options: { preset: { type: 'string', default: 'paper' }, steps: { type: 'string', default: '5' } } });
await initBackend('wasm');
const s = synthetic(NYT_LIKE, v.preset as PresetName);
s.step();
s.step();
const ms = new Map<string, { ms: number; calls: number }>();
for (const k of tf.getKernelsForBackend('wasm')) {
  const f = k.kernelFunc;
  tf.unregisterKernel(k.kernelName, 'wasm');
  tf.registerKernel({
    ...k,
    kernelFunc: (args) => {
      const t0 = performance.now();
      const out = f(args);
      const e = ms.get(k.kernelName) ?? { ms: 0, calls: 0 };
      e.ms += performance.now() - t0;
      e.calls++;
      ms.set(k.kernelName, e);
      return out;
    },
  });
}
const steps = Number(v.steps);
const t0 = performance.now();
for (let i = 0; i < steps; i++) s.step();
const total = (performance.now() - t0) / steps;
let inKernels = 0;
const rows = [...ms.entries()].sort((a, b) => b[1].ms - a[1].ms);
for (const [, e] of rows) inKernels += e.ms / steps;
console.log(`step ${total.toFixed(1)} ms (${((NYT_LIKE.B * 1000) / total).toFixed(1)} sentences/s); in kernels ${inKernels.toFixed(1)} ms, outside ${(total - inKernels).toFixed(1)} ms`);
for (const [name, e] of rows.slice(0, 25)) console.log(`${name.padEnd(24)} ${(e.ms / steps).toFixed(1).padStart(8)} ms ${String(e.calls / steps).padStart(6)} calls`);
s.dispose();
