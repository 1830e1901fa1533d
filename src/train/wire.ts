/** What the training thread and its replicas (pool.ts ↔ replica.ts) send each other through the generic pool (core/workerPool.ts). */
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
  /** One gradient buffer per replica, flat, written by it, summed by the main thread. */
  grads: SharedArrayBuffer[];
}

/** One part of a step: the gradients of `batch`, times `weight` (step.ts gradients), into replica `replica`'s buffer. */
export interface PartJob {
  replica: number;
  batch: Batch;
  seed: number;
  weight: number;
}

/** A part's (weighted) losses; its gradients are in the replica's buffer. */
export interface PartReply {
  loss: number;
  nerLoss: number;
  relLoss: number;
  /** Which parameters got a gradient, by layout index. */
  present: boolean[];
}
