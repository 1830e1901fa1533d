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

/**
 * Fixed batches of sentences sorted by length (for prediction: order does not matter, speed does).
 * A batch also stops before its padded size B·n passes `maxTokens` (n: its longest sentence): a
 * model call's memory grows with B·n (about 100 kB a token with 171 relations), so this bounds it
 * whatever the input. A sentence longer than the budget still runs, alone.
 */
export function sortedBatches(lengths: number[], batchSize: number, maxTokens = Infinity): number[][] {
  const idx = [...lengths.keys()].sort((a, b) => lengths[a] - lengths[b]);
  const out: number[][] = [];
  let batch: number[] = [];
  for (const k of idx) {
    const n = lengths[k]; // the longest so far: sorted ascending
    if (batch.length && (batch.length >= batchSize || (batch.length + 1) * n > maxTokens)) {
      out.push(batch);
      batch = [];
    }
    batch.push(k);
  }
  if (batch.length) out.push(batch);
  return out;
}
