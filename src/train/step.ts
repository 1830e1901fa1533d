/** One optimisation step: forward, loss (Eq. 14), gradients, global-norm clipping, Adam update. */
import * as tf from '@tensorflow/tfjs';
import type { Batch } from '../model/batch.ts';
import type { ModelConfig } from '../model/config.ts';
import { type Params, trainable } from '../model/params.ts';
import { forward } from '../model/rin.ts';
import { loss } from './loss.ts';

export interface StepResult {
  loss: number;
  nerLoss: number;
  relLoss: number;
  /** Global gradient norm before clipping. */
  gradNorm: number;
}

/** What applies the gradients: our Adam (adam.ts), or any tf.Optimizer (tfjs types its map as Variables). */
export interface Updater {
  applyGradients(grads: Record<string, tf.Variable>): void;
}

export function trainStep(params: Params, cfg: ModelConfig, opt: Updater, batch: Batch, seed: number, clipNorm: number): StepResult {
  let parts: number[] = [];
  const { value, grads } = tf.variableGrads(() => {
    const l = loss(forward(params, cfg, batch, { training: true, seed }), batch, cfg.selfPairs);
    parts = [l.ner.dataSync()[0], l.rel.dataSync()[0]];
    return l.total;
  }, trainable(params));
  const gradNorm = tf.tidy(() => tf.sqrt(tf.addN(Object.values(grads).map((g) => tf.sum(tf.square(g))))).dataSync()[0]);
  if (clipNorm > 0 && gradNorm > clipNorm) {
    const f = clipNorm / gradNorm;
    for (const k of Object.keys(grads)) {
      const g = grads[k];
      grads[k] = tf.mul(g, f);
      g.dispose();
    }
  }
  opt.applyGradients(grads as Record<string, tf.Variable>);
  const v = value.dataSync()[0];
  tf.dispose([value, ...Object.values(grads)]);
  if (!Number.isFinite(v)) throw new Error(`loss became ${v}; lower the learning rate`);
  return { loss: v, nerLoss: parts[0], relLoss: parts[1], gradNorm };
}
