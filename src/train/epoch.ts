/**
 * One pass over the training data: shuffled length-bucketed batches, the training-time input
 * noise of the recipe (rare words → <unk>, hidden entity mentions), one optimiser step each.
 */
import type * as tf from '@tensorflow/tfjs';
import type { Rng } from '../engine/rng.ts';
import type { RinModel } from '../io/modelDir.ts';
import { type EncodedSentence, makeBatch } from '../model/batch.ts';
import { bucketedBatches } from './batches.ts';
import { Progress } from './progress.ts';
import { trainStep } from './step.ts';

export interface EpochLoss {
  loss: number;
  nerLoss: number;
  relLoss: number;
  sentences: number;
  seconds: number;
}

/** Word id → number of occurrences in the training data (for unkReplace). */
export function wordCounts(data: EncodedSentence[]): Map<number, number> {
  const counts = new Map<number, number>();
  for (const s of data) for (const w of s.words) counts.set(w, (counts.get(w) ?? 0) + 1);
  return counts;
}

/**
 * The training-time view of a sentence. unkReplace: a word seen once becomes <unk>, so <unk>
 * learns a useful vector. mentionDropout: a word of a gold entity loses its vector and
 * correction (it reads as a word nothing knows; its characters stay), so the model learns to
 * find entities from context and spelling instead of remembering their names.
 * The RNG is drawn only where a rate is set, so the paper's recipe draws exactly as before.
 */
export function noisy(s: EncodedSentence, counts: Map<number, number>, unkReplace: number, mentionDropout: number, rng: Rng): EncodedSentence {
  if (unkReplace <= 0 && mentionDropout <= 0) return s;
  const words = [...s.words];
  const vec = s.vec && [...s.vec];
  for (let k = 0; k < words.length; k++) {
    if (unkReplace > 0 && counts.get(s.words[k]) === 1 && rng.next() < unkReplace) words[k] = 1;
    if (mentionDropout > 0 && s.ner?.[k] && rng.next() < mentionDropout) {
      words[k] = 1;
      if (vec) vec[k] = -1;
    }
  }
  return { ...s, words, ...(vec ? { vec } : {}) };
}

export function runEpoch(model: RinModel, opt: tf.Optimizer, data: EncodedSentence[], counts: Map<number, number>, rng: Rng, label: string, showProgress: boolean): EpochLoss {
  const { config: cfg, train: tc } = model;
  const t0 = Date.now();
  const order = bucketedBatches(data.map((s) => s.words.length), tc.batchSize, rng);
  const bar = new Progress(label, data.length, process.stderr, showProgress);
  let sum = 0, sumNer = 0, sumRel = 0, seen = 0;
  for (const idx of order) {
    const items = idx.map((k) => noisy(data[k], counts, tc.unkReplace, tc.mentionDropout, rng));
    const r = trainStep(model.params, cfg, opt, makeBatch(items, model.table), rng.int(), tc.clipNorm);
    sum += r.loss * idx.length;
    sumNer += r.nerLoss * idx.length;
    sumRel += r.relLoss * idx.length;
    seen += idx.length;
    bar.update(seen, `loss ${(sum / seen).toFixed(3)}`);
  }
  return { loss: sum / seen, nerLoss: sumNer / seen, relLoss: sumRel / seen, sentences: seen, seconds: (Date.now() - t0) / 1000 };
}
