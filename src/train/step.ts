/** One optimisation step: forward, loss (Eq. 14), gradients, global-norm clipping, Adam update. */
import * as tf from '@tensorflow/tfjs';
import type { Batch } from '../model/batch.ts';
import type { ModelConfig } from '../model/config.ts';
import { type Params, trainable } from '../model/params.ts';
import { forward } from '../model/rin.ts';
import { Adam } from './adam.ts';
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

/** A batch's loss parts and gradients, keyed by tf.Variable name. */
export interface Gradients {
  loss: number;
  nerLoss: number;
  relLoss: number;
  grads: tf.NamedTensorMap;
}

/**
 * Loss and gradients of a batch, times `weight`: a replica's part of B sentences out of a whole
 * batch of W passes B/W, since the loss is a mean over the batch (loss.ts), so the parts' sum is
 * the whole batch's gradient.
 */
export function gradients(params: Params, cfg: ModelConfig, batch: Batch, seed: number, weight = 1): Gradients {
  let parts: number[] = [];
  const { value, grads } = tf.variableGrads(() => {
    const l = loss(forward(params, cfg, batch, { training: true, seed }), batch, cfg.selfPairs);
    parts = [l.ner.dataSync()[0], l.rel.dataSync()[0]];
    return weight === 1 ? l.total : tf.mul(l.total, weight);
  }, trainable(params));
  const v = value.dataSync()[0];
  value.dispose();
  return { loss: v, nerLoss: parts[0] * weight, relLoss: parts[1] * weight, grads };
}

/** Global-norm clipping, then the update; disposes the gradients. Returns the norm before clipping. */
export function applyClipped(opt: Updater, grads: tf.NamedTensorMap, clipNorm: number): number {
  if (opt instanceof Adam) {
    const host = new Map(Object.entries(grads).map(([k, g]) => [k, g.dataSync() as Float32Array]));
    tf.dispose(Object.values(grads));
    return applyClippedHost(opt, host, clipNorm);
  }
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
  tf.dispose(Object.values(grads));
  return gradNorm;
}

/**
 * The same for gradients on the host, keyed by tf.Variable name, with our Adam: the norm in one
 * pass (summed in float64; tfjs's kernels sum in float32, so a norm within rounding of clipNorm
 * may clip where they did not), the scaling inside Adam's pass; no kernels at all.
 */
export function applyClippedHost(opt: Adam, grads: Map<string, Float32Array>, clipNorm: number): number {
  let sq = 0;
  for (const g of grads.values()) for (let i = 0; i < g.length; i++) sq += g[i] * g[i];
  const gradNorm = Math.sqrt(sq);
  opt.applyHost(grads, clipNorm > 0 && gradNorm > clipNorm ? clipNorm / gradNorm : 1);
  return gradNorm;
}

/** A step's result; a loss that is not finite is an error. */
export function checkedResult(g: Omit<Gradients, 'grads'>, gradNorm: number): StepResult {
  if (!Number.isFinite(g.loss)) throw new Error(`loss became ${g.loss}; lower the learning rate`);
  return { loss: g.loss, nerLoss: g.nerLoss, relLoss: g.relLoss, gradNorm };
}

export function trainStep(params: Params, cfg: ModelConfig, opt: Updater, batch: Batch, seed: number, clipNorm: number): StepResult {
  const g = gradients(params, cfg, batch, seed);
  return checkedResult(g, applyClipped(opt, g.grads, clipNorm));
}
