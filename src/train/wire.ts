/** Messages between the training thread and its replicas (pool.ts ↔ replica.ts). */
import type { Batch } from '../model/batch.ts';
import type { ModelConfig } from '../model/config.ts';
import type { Layout } from './layout.ts';

/** What a replica starts from (its workerData). */
export interface ReplicaSetup {
  backend: string;
  cfg: ModelConfig;
  layout: Layout;
  /** Every parameter, flat (layout.ts); the main thread rewrites the trainable ones after each update. */
  weights: SharedArrayBuffer;
  /** This replica's gradients, flat, written by it, summed by the main thread. */
  grads: SharedArrayBuffer;
}

/** One part of a step: the gradients of `batch`, times `weight` (step.ts gradients). */
export interface PartJob {
  batch: Batch;
  seed: number;
  weight: number;
}

export type ReplicaReply =
  | { type: 'ready' }
  | { type: 'done'; loss: number; nerLoss: number; relLoss: number /** Which parameters got a gradient, by layout index. */; present: boolean[] }
  | { type: 'error'; message: string; stack?: string };
