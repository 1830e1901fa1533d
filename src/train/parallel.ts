/**
 * Data-parallel training steps: the batch is split by sentences, balanced by tokens (split.ts);
 * this thread computes the first part while the replicas (pool.ts) compute the others; the
 * parts' gradients, each weighted by its share of the batch, are summed in a fixed order; then
 * clipping and ONE optimiser update here, and the new weights are published to the replicas.
 * The update stays on this thread so the optimiser state, the RNG and checkpoints are exactly
 * those of one thread; replicas applying the same update themselves would each need Adam's
 * moments (3x the parameters) and the main thread a copy anyway for checkpoints.
 * Each sentence gets the dropout mask it gets in the whole batch (Batch.part, model/dropout.ts),
 * so N threads give one thread's run up to float rounding (the order gradients are summed in).
 */
import * as tf from '@tensorflow/tfjs';
import { view } from '../engine/scratch.ts';
import type { EncodedSentence } from '../core/types.ts';
import { type Batch, type VectorSource, makeBatch } from '../model/batch.ts';
import type { ModelConfig } from '../model/config.ts';
import type { Params } from '../model/params.ts';
import { slot } from './layout.ts';
import { type PartResult, ReplicaPool } from './pool.ts';
import { splitByTokens } from './split.ts';
import type { Adam } from './adam.ts';
import { type Gradients, type StepResult, applyClippedHost, checkedResult, gradients, trainStep } from './step.ts';

export class DataParallel {
  private constructor(
    private readonly params: Params,
    private readonly cfg: ModelConfig,
    private readonly pool?: ReplicaPool,
  ) {}

  /** `threads` replicas in all, this thread included (1: no worker, exactly trainStep). */
  static async start(params: Params, cfg: ModelConfig, threads: number, backend: string): Promise<DataParallel> {
    const pool = threads > 1 ? await ReplicaPool.start(params, cfg, threads - 1, backend) : undefined;
    return new DataParallel(params, cfg, pool);
  }

  get threads(): number {
    return 1 + (this.pool?.size ?? 0);
  }

  /** One step on a batch of sentences: forward, loss, gradients, clipping, update. */
  async step(opt: Adam, items: EncodedSentence[], table: VectorSource | undefined, seed: number, clipNorm: number): Promise<StepResult> {
    const groups = splitByTokens(
      items.map((s) => s.words.length),
      this.threads,
    );
    if (!this.pool || groups.length === 1) {
      const r = trainStep(this.params, this.cfg, opt, makeBatch(items, table), seed, clipNorm);
      this.pool?.publish(this.params);
      return r;
    }
    const n = Math.max(...items.map((s) => s.words.length));
    const B = items.length;
    const parts: Batch[] = groups.map((index) => ({
      ...makeBatch(
        index.map((k) => items[k]),
        table,
      ),
      part: { n, B, index },
    }));
    // Post the replicas' parts first, so they run while this thread computes its own.
    const pending = parts.slice(1).map((b, k) => this.pool!.run(k, b, seed, b.B / B));
    let mine: Gradients;
    let theirs: PartResult[];
    try {
      mine = gradients(this.params, this.cfg, parts[0], seed, parts[0].B / B);
    } catch (e) {
      await Promise.allSettled(pending);
      throw e;
    }
    try {
      theirs = await Promise.all(pending);
    } catch (e) {
      tf.dispose(Object.values(mine.grads));
      await Promise.allSettled(pending);
      throw e;
    }
    const gradNorm = applyClippedHost(opt, this.sum(mine, theirs), clipNorm);
    this.pool.publish(this.params);
    const total = (key: 'loss' | 'nerLoss' | 'relLoss') => theirs.reduce((s, r) => s + r[key], mine[key]);
    return checkedResult({ loss: total('loss'), nerLoss: total('nerLoss'), relLoss: total('relLoss') }, gradNorm);
  }

  /** The parts' gradients summed on the host (keyed by tf.Variable name), this thread's first, then the replicas' in order; disposes this thread's. */
  private sum(mine: Gradients, theirs: PartResult[]): Map<string, Float32Array> {
    const layout = this.pool!.layout;
    const out = new Map<string, Float32Array>();
    layout.names.forEach((name, k) => {
      const v = this.params.get(name)!;
      const own = mine.grads[v.name];
      const from = theirs.filter((r) => r.present[k]);
      if (!own && !from.length) return;
      const acc = own ? view(own).slice() : new Float32Array(layout.sizes[k]); // one copy (dataSync would copy, then slice again)
      for (const r of from) {
        const g = slot(r.grads, layout, k);
        for (let i = 0; i < acc.length; i++) acc[i] += g[i];
      }
      out.set(v.name, acc);
    });
    tf.dispose(Object.values(mine.grads));
    return out;
  }

  /** Stop replica k (0-based, this thread not counted) as a crash would: fault injection for tests. */
  stopReplica(k: number): Promise<void> {
    if (!this.pool) throw new Error('no replica: one thread');
    return this.pool.stop(k);
  }

  async close(): Promise<void> {
    await this.pool?.close();
  }
}
