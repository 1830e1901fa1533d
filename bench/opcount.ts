/**
 * Kernels run per training step and per inference call (forward and backward alike), at the
 * NYT-like shape (B=50, n=40, 24 relations, K=3), both presets: on wasm each kernel costs tens of
 * µs of overhead whatever its size, so this count is what "fewer, larger ops" cuts.
 * Run: node --import tsx bench/opcount.ts
 */
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../src/engine/backend.ts';
import { disposeParams, trainable } from '../src/model/params.ts';
import type { PresetName } from '../src/model/presets.ts';
import { forward } from '../src/model/rin.ts';
import { Adam } from '../src/train/adam.ts';
import { loss } from '../src/train/loss.ts';
import { trainStep } from '../src/train/step.ts';
import { NYT_LIKE, syntheticParts } from './synthetic.ts';

await initBackend('wasm');

async function count(preset: PresetName): Promise<{ preset: PresetName; trainKernels: number; gradKernels: number; inferKernels: number }> {
  const { cfg, params, batch } = syntheticParts(NYT_LIKE, preset); // as the bench: random start, random sentences
  const opt = new Adam(params, 1e-3); // the trainer's optimiser (src/train/adam.ts)
  trainStep(params, cfg, opt, batch, 1, 5);
  // tf.profile returns one shared object each time: read its count before the next call.
  const prof = await tf.profile(() => void trainStep(params, cfg, opt, batch, 2, 5));
  const trainKernels = prof.kernels.length;
  // The model and loss alone: forward, loss and backward, without clipping and Adam.
  const gradProf = await tf.profile(() => {
    const { value, grads } = tf.variableGrads(() => loss(forward(params, cfg, batch, { training: true, seed: 3 }), batch, cfg.selfPairs).total, trainable(params));
    tf.dispose([value, ...Object.values(grads)]);
  });
  const gradKernels = gradProf.kernels.length;
  if (process.env.OPCOUNT_BY_NAME) {
    const by = new Map<string, number>();
    for (const k of gradProf.kernels) by.set(k.name, (by.get(k.name) ?? 0) + 1);
    console.log(
      [...by]
        .sort((x, y) => y[1] - x[1])
        .map(([k, v]) => `${k} ${v}`)
        .join(', '),
    );
  }
  const inferKernels = (await tf.profile(() => tf.tidy(() => void forward(params, cfg, batch, { training: false })))).kernels.length;
  opt.dispose();
  disposeParams(params);
  return { preset, trainKernels, gradKernels, inferKernels };
}

for (const preset of ['paper', 'default'] as const) {
  const r = await count(preset);
  console.log(`NYT-like ${r.preset.padEnd(7)} kernels per training step ${r.trainKernels} (forward + loss + backward ${r.gradKernels}), per inference forward ${r.inferKernels}`);
}
