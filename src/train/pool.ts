/**
 * The replicas of data-parallel training: worker threads (replica.ts) on the generic pool
 * (core/workerPool.ts), each with its own wasm backend (wasm threads do not work in Node; worker
 * threads do) and a copy of the parameters, sharing weights and gradients with this thread
 * through SharedArrayBuffers. One job at a time per replica. A replica that fails (an error, a
 * crash) fails its job with an Error saying so, and the pool with it; close() ends every thread.
 * An idle replica does not keep the process alive.
 */
import { WorkerPool } from '../core/workerPool.ts';
import type { Batch } from '../model/batch.ts';
import type { ModelConfig } from '../model/config.ts';
import type { Params } from '../model/params.ts';
import { type Layout, layoutOf, writeParams } from './layout.ts';
import type { PartJob, PartReply, ReplicaSetup } from './wire.ts';

/** A replica's part of a step: its (weighted) losses, and its gradients in `grads` (layout order). */
export interface PartResult extends PartReply {
  grads: Float32Array;
}

/** .ts when running the sources (tsx), .js from dist/. */
const REPLICA = new URL(import.meta.url.endsWith('.ts') ? './replica.ts' : './replica.js', import.meta.url);

export class ReplicaPool {
  /** Why the pool stopped working (a replica failed, or close()). */
  private broken?: Error;

  private constructor(
    private readonly pool: WorkerPool<PartJob, PartReply, null>,
    private readonly grads: Float32Array[],
    readonly layout: Layout,
    private readonly weights: Float32Array,
  ) {}

  /** `count` replicas of `params`, on `backend`; resolves once every one is ready. */
  static async start(params: Params, cfg: ModelConfig, count: number, backend: string): Promise<ReplicaPool> {
    const layout = layoutOf(params);
    const weights = new Float32Array(new SharedArrayBuffer(layout.total * 4));
    writeParams(params, layout, weights, false);
    const grads = Array.from({ length: count }, () => new SharedArrayBuffer(layout.total * 4));
    const setup: ReplicaSetup = { backend, cfg, layout, weights: weights.buffer as SharedArrayBuffer, grads };
    const pool = await WorkerPool.start<PartJob, PartReply, null>(REPLICA, setup, { size: count, name: 'training thread', restart: false, ready: 'all' });
    return new ReplicaPool(
      pool,
      grads.map((g) => new Float32Array(g)),
      layout,
      weights,
    );
  }

  get size(): number {
    return this.pool.size;
  }

  /** Publish the parameters' trainable values (after an update) for the replicas' next jobs. */
  publish(params: Params): void {
    writeParams(params, this.layout, this.weights, true);
  }

  /** Replica k computes the gradients of `batch` times `weight` (step.ts gradients). */
  async run(k: number, batch: Batch, seed: number, weight: number): Promise<PartResult> {
    if (this.broken) throw this.broken;
    try {
      const m = await this.pool.run({ replica: k, batch, seed, weight }, { on: k });
      return { ...m, grads: this.grads[k] };
    } catch (e) {
      const err = e as Error;
      const wrapped = new Error(`training thread ${k + 1} failed: ${err.message}`);
      if (err.stack) wrapped.stack = `${wrapped.message}\n${err.stack}`;
      this.broken ??= wrapped;
      throw this.broken;
    }
  }

  /** Stop replica k as a crash would (fault injection): its job fails, and every later step. */
  stop(k: number): Promise<void> {
    return this.pool.stop(k);
  }

  /** End every replica (idempotent); later jobs fail. */
  async close(): Promise<void> {
    this.broken ??= new Error('the training threads were closed');
    await this.pool.close();
  }
}
