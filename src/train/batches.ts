/**
 * Length-bucketed, shuffled batches: shuffle, cut into pools of 50 batches, sort each pool by
 * length, cut it into batches, shuffle the batch order. Batches hold sentences of similar
 * length, so little padding is computed, and the order still changes every epoch.
 */
import type { Rng } from '../engine/rng.ts';

export function bucketedBatches(lengths: number[], batchSize: number, rng: Rng, poolBatches = 50): number[][] {
  const idx = rng.shuffle([...lengths.keys()]);
  const batches: number[][] = [];
  const pool = batchSize * poolBatches;
  for (let p = 0; p < idx.length; p += pool) {
    const chunk = idx.slice(p, p + pool).sort((a, b) => lengths[a] - lengths[b]);
    for (let k = 0; k < chunk.length; k += batchSize) batches.push(chunk.slice(k, k + batchSize));
  }
  return rng.shuffle(batches);
}

/** Fixed batches of sentences sorted by length (for prediction: order does not matter, speed does). */
export function sortedBatches(lengths: number[], batchSize: number): number[][] {
  const idx = [...lengths.keys()].sort((a, b) => lengths[a] - lengths[b]);
  const out: number[][] = [];
  for (let k = 0; k < idx.length; k += batchSize) out.push(idx.slice(k, k + batchSize));
  return out;
}
