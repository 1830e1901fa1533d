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

/**
 * One "epoch": the unit of dev evaluation, checkpoints, patience and the epoch cap. It is one
 * pass over the data, or as many whole passes as reach TrainConfig.minEpochUpdates, so a small
 * data set (CoNLL04: 46 batches a pass) is trained and judged in as many updates as a large one.
 */
export function runEpoch(model: RinModel, opt: tf.Optimizer, data: EncodedSentence[], counts: Map<number, number>, rng: Rng, label: string, showProgress: boolean): EpochLoss {
  const { train: tc } = model;
  const t0 = Date.now();
  const perPass = Math.ceil(data.length / tc.batchSize);
  const passes = Math.max(1, Math.ceil(tc.minEpochUpdates / perPass));
  const bar = new Progress(label, data.length * passes, process.stderr, showProgress);
  const sum = { loss: 0, nerLoss: 0, relLoss: 0, sentences: 0 };
  for (let p = 0; p < passes; p++) onePass(model, opt, data, counts, rng, sum, bar);
  const n = sum.sentences;
  return { loss: sum.loss / n, nerLoss: sum.nerLoss / n, relLoss: sum.relLoss / n, sentences: n, seconds: (Date.now() - t0) / 1000 };
}

function onePass(model: RinModel, opt: tf.Optimizer, data: EncodedSentence[], counts: Map<number, number>, rng: Rng, sum: { loss: number; nerLoss: number; relLoss: number; sentences: number }, bar: Progress): void {
  const { config: cfg, train: tc } = model;
  const order = bucketedBatches(data.map((s) => s.words.length), tc.batchSize, rng);
  for (const idx of order) {
    const items = idx.map((k) => noisy(data[k], counts, tc.unkReplace, tc.mentionDropout, rng));
    const r = trainStep(model.params, cfg, opt, makeBatch(items, model.table), rng.int(), tc.clipNorm);
    sum.loss += r.loss * idx.length;
    sum.nerLoss += r.nerLoss * idx.length;
    sum.relLoss += r.relLoss * idx.length;
    sum.sentences += idx.length;
    bar.update(sum.sentences, `loss ${(sum.loss / sum.sentences).toFixed(3)}`);
  }
}
