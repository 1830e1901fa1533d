/**
 * The replicas of data-parallel training: worker threads (replica.ts), each with its own wasm
 * backend (wasm threads do not work in Node; worker threads do) and a copy of the parameters,
 * sharing weights and gradients with this thread through SharedArrayBuffers. One job at a time
 * per replica. A replica that fails (an error, a crash) fails its job with an Error saying so, and
 * the pool with it; close() ends every thread. An idle replica does not keep the process alive.
 */
import type { Worker } from 'node:worker_threads';
import type { Batch } from '../model/batch.ts';
import type { ModelConfig } from '../model/config.ts';
import type { Params } from '../model/params.ts';
import { type Layout, layoutOf, writeParams } from './layout.ts';
import { spawnWorker } from '../core/spawn.ts';
import type { ReplicaReply, ReplicaSetup } from './wire.ts';

/** A replica's part of a step: its (weighted) losses, and its gradients in `grads` (layout order). */
export interface PartResult {
  loss: number;
  nerLoss: number;
  relLoss: number;
  present: boolean[];
  grads: Float32Array;
}

interface Replica {
  worker: Worker;
  grads: Float32Array;
  /** The reply awaited: the start, or a job. */
  waiting?: { resolve: (r: ReplicaReply) => void; reject: (e: Error) => void };
}

export class ReplicaPool {
  /** Why the pool stopped working (a replica failed, or close()). */
  private broken?: Error;

  private constructor(
    private readonly replicas: Replica[],
    readonly layout: Layout,
    private readonly weights: Float32Array,
  ) {}

  /** `count` replicas of `params`, on `backend`; resolves once every one is ready. */
  static async start(params: Params, cfg: ModelConfig, count: number, backend: string): Promise<ReplicaPool> {
    const layout = layoutOf(params);
    const weights = new Float32Array(new SharedArrayBuffer(layout.total * 4));
    writeParams(params, layout, weights, false);
    const replicas = Array.from({ length: count }, () => {
      const grads = new SharedArrayBuffer(layout.total * 4);
      const setup: ReplicaSetup = { backend, cfg, layout, weights: weights.buffer as SharedArrayBuffer, grads };
      return { worker: spawnWorker(new URL(`./replica${extension()}`, import.meta.url), setup), grads: new Float32Array(grads) };
    });
    const pool = new ReplicaPool(replicas, layout, weights);
    replicas.forEach((r, k) => pool.watch(r, k));
    try {
      await Promise.all(replicas.map((r) => pool.await(r)));
    } catch (e) {
      await pool.close();
      throw e;
    }
    return pool;
  }

  get size(): number {
    return this.replicas.length;
  }

  /** Publish the parameters' trainable values (after an update) for the replicas' next jobs. */
  publish(params: Params): void {
    writeParams(params, this.layout, this.weights, true);
  }

  /** Replica k computes the gradients of `batch` times `weight` (step.ts gradients). */
  async run(k: number, batch: Batch, seed: number, weight: number): Promise<PartResult> {
    if (this.broken) throw this.broken;
    const r = this.replicas[k];
    const reply = this.await(r);
    r.worker.postMessage({ batch, seed, weight });
    const m = await reply;
    if (m.type !== 'done') throw new Error('training thread: unexpected reply');
    return { loss: m.loss, nerLoss: m.nerLoss, relLoss: m.relLoss, present: m.present, grads: r.grads };
  }

  /** End every replica (idempotent); later jobs fail. */
  async close(): Promise<void> {
    this.broken ??= new Error('the training threads were closed');
    await Promise.all(this.replicas.map((r) => r.worker.terminate()));
  }

  /** The next reply of r; while it is awaited, r keeps the process alive. */
  private await(r: Replica): Promise<ReplicaReply> {
    r.worker.ref();
    return new Promise<ReplicaReply>((resolve, reject) => {
      r.waiting = { resolve, reject };
    }).finally(() => {
      r.waiting = undefined;
      r.worker.unref();
    });
  }

  private watch(r: Replica, k: number): void {
    const fail = (why: string) => {
      const e = new Error(`training thread ${k + 1} failed: ${why}`);
      this.broken ??= e;
      r.waiting?.reject(e);
    };
    r.worker.on('message', (m: ReplicaReply) => {
      if (m.type === 'error') {
        const e = new Error(`training thread ${k + 1} failed: ${m.message}`);
        if (m.stack) e.stack = `${e.message}\n(in the thread) ${m.stack}`;
        this.broken ??= e;
        r.waiting?.reject(e);
      } else r.waiting?.resolve(m);
    });
    r.worker.on('error', (e) => fail(e.message));
    r.worker.on('exit', (code) => fail(`it stopped (exit code ${code})`));
  }
}

/** .ts when running the sources (tsx), .js from dist/. */
function extension(): string {
  return import.meta.url.endsWith('.ts') ? '.ts' : '.js';
}
