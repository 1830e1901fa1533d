/**
 * Where a training step's time goes, at the NYT-like shape (bench/synthetic.ts): every wasm kernel
 * wrapped with a timer (time per kernel name), and with the native addon each of its functions
 * (time per call, and the BLAS's GFLOP/s over all its matrix products). Kernels that call the
 * BLAS count in both lists.
 *
 *   node --import tsx bench/profile.ts [--preset paper|default] [--steps 5]
 */
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { type Addon, loadNative } from '../src/engine/addon.ts';
import { initBackend } from '../src/engine/backend.ts';
import type { PresetName } from '../src/model/presets.ts';
import { NYT_LIKE, synthetic } from './synthetic.ts';

const { values: v } = parseArgs({ options: { preset: { type: 'string', default: 'paper' }, steps: { type: 'string', default: '5' } } });
await initBackend('wasm');
const s = synthetic(NYT_LIKE, v.preset as PresetName);
s.step();
s.step();

type Tally = Map<string, { ms: number; calls: number; flop: number }>;
const add = (t: Tally, name: string, ms: number, flop = 0) => {
  const e = t.get(name) ?? { ms: 0, calls: 0, flop: 0 };
  e.ms += ms;
  e.calls++;
  e.flop += flop;
  t.set(name, e);
};

const kernels: Tally = new Map();
for (const k of tf.getKernelsForBackend('wasm')) {
  const f = k.kernelFunc;
  tf.unregisterKernel(k.kernelName, 'wasm');
  tf.registerKernel({
    ...k,
    kernelFunc: (args) => {
      const t0 = performance.now();
      const out = f(args);
      add(kernels, k.kernelName, performance.now() - t0);
      return out;
    },
  });
}

// The addon object is shared by every importer: wrapping its functions here times every call.
const natives: Tally = new Map();
const addon = loadNative() as (Addon & Record<string, (...a: unknown[]) => unknown>) | null;
if (addon)
  for (const name of ['sgemm', 'gruForward', 'gruBackward', 'lstmForward', 'lstmBackward', 'bce', 'adam']) {
    const f = addon[name];
    addon[name] = (...a: unknown[]) => {
      const t0 = performance.now();
      const out = f(...a);
      add(natives, name, performance.now() - t0, name === 'sgemm' ? 2 * (a[2] as number) * (a[3] as number) * (a[4] as number) : 0);
      return out;
    };
  }

const steps = Number(v.steps);
const t0 = performance.now();
for (let i = 0; i < steps; i++) s.step();
const total = (performance.now() - t0) / steps;
const per = (t: Tally) => [...t.entries()].sort((a, b) => b[1].ms - a[1].ms);
const inKernels = per(kernels).reduce((a, [, e]) => a + e.ms / steps, 0);
console.log(`step ${total.toFixed(1)} ms (${((NYT_LIKE.B * 1000) / total).toFixed(1)} sentences/s); in wasm kernels ${inKernels.toFixed(1)} ms, outside ${(total - inKernels).toFixed(1)} ms`);
for (const [name, e] of per(kernels).slice(0, 15)) console.log(`  kernel ${name.padEnd(22)} ${(e.ms / steps).toFixed(1).padStart(7)} ms ${String(e.calls / steps).padStart(5)} calls`);
if (!addon) console.log('no native addon: every op above ran on wasm and JavaScript');
for (const [name, e] of per(natives))
  console.log(`  native ${name.padEnd(22)} ${(e.ms / steps).toFixed(1).padStart(7)} ms ${String(e.calls / steps).padStart(5)} calls${e.flop ? `, ${(e.flop / e.ms / 1e6).toFixed(1)} GFLOP/s` : ''}`);
s.dispose();
