/**
 * One pass over the training data: shuffled length-bucketed batches, the training-time input
 * noise of the recipe (rare words → <unk>, hidden or swapped entity mentions), one optimiser step each.
 */
import type { Rng } from '../engine/rng.ts';
import type { RinModel } from '../io/modelDir.ts';
import type { EncodedSentence } from '../core/types.ts';
import { makeBatch } from '../model/batch.ts';
import type { TrainConfig } from '../model/config.ts';
import { bucketedBatches } from '../model/batches.ts';
import { Progress } from '../core/progress.ts';
import { type Updater, trainStep } from './step.ts';

export interface EpochLoss {
  loss: number;
  nerLoss: number;
  relLoss: number;
  sentences: number;
  seconds: number;
}

/** Word id → number of occurrences in the training data. */
export function wordCounts(data: EncodedSentence[]): Map<number, number> {
  const counts = new Map<number, number>();
  for (const s of data) for (const w of s.words) counts.set(w, (counts.get(w) ?? 0) + 1);
  return counts;
}

/** One word of a training entity mention, as the encoder wrote it: what mention replacement swaps in. */
export interface MentionWord {
  word: number;
  vec?: number;
  chars?: number[];
  shape?: number;
}

/** Every word of every gold entity mention in the training data (NER tag not O). */
export function mentionWords(data: EncodedSentence[]): MentionWord[] {
  const out: MentionWord[] = [];
  for (const s of data)
    s.words.forEach((word, k) => {
      if (s.ner?.[k]) out.push({ word, vec: s.vec?.[k], chars: s.chars?.[k], shape: s.shape?.[k] });
    });
  return out;
}

export interface Noise {
  /** Word id → occurrences in training (for unkReplace). */
  counts: Map<number, number>;
  /** Words of training mentions (for mentionReplace). */
  mentions: MentionWord[];
}

/**
 * The training-time view of a sentence. unkReplace: a word seen once becomes <unk>, so <unk>
 * learns a useful vector. mentionDropout: a word of a gold entity loses its vector and
 * correction (it reads as a word nothing knows; its characters stay). mentionReplace: a word
 * of a gold entity becomes a word of another training mention, whole (vector, correction,
 * characters, shape), so the model sees names in contexts they never had and learns to find
 * entities from context and spelling instead of remembering their names.
 * The RNG is drawn only where a rate is set, so the paper's recipe draws exactly as before.
 */
export function noisy(s: EncodedSentence, noise: Noise, tc: Pick<TrainConfig, 'unkReplace' | 'mentionDropout' | 'mentionReplace'>, rng: Rng): EncodedSentence {
  if (tc.unkReplace <= 0 && tc.mentionDropout <= 0 && tc.mentionReplace <= 0) return s;
  const out = { ...s, words: [...s.words], vec: s.vec && [...s.vec], chars: s.chars && [...s.chars], shape: s.shape && [...s.shape] };
  for (let k = 0; k < s.words.length; k++) {
    if (tc.unkReplace > 0 && noise.counts.get(s.words[k]) === 1 && rng.next() < tc.unkReplace) out.words[k] = 1;
    if (!s.ner?.[k]) continue;
    if (tc.mentionReplace > 0 && noise.mentions.length && rng.next() < tc.mentionReplace) {
      const m = noise.mentions[Math.floor(rng.next() * noise.mentions.length)];
      out.words[k] = m.word;
      if (out.vec && m.vec !== undefined) out.vec[k] = m.vec;
      if (out.chars && m.chars) out.chars[k] = m.chars;
      if (out.shape && m.shape !== undefined) out.shape[k] = m.shape;
    } else if (tc.mentionDropout > 0 && rng.next() < tc.mentionDropout) {
      out.words[k] = 1;
      if (out.vec) out.vec[k] = -1;
    }
  }
  if (!s.vec) delete out.vec;
  if (!s.chars) delete out.chars;
  if (!s.shape) delete out.shape;
  return out;
}

/**
 * One "epoch": the unit of dev evaluation, checkpoints, patience and the epoch cap. It is one
 * pass over the data, or as many whole passes as reach TrainConfig.minEpochUpdates, so a small
 * data set (CoNLL04: 46 batches a pass) is trained and judged in as many updates as a large one.
 */
export function runEpoch(model: RinModel, opt: Updater, data: EncodedSentence[], noise: Noise, rng: Rng, label: string, showProgress: boolean): EpochLoss {
  const { train: tc } = model;
  const t0 = Date.now();
  const perPass = Math.ceil(data.length / tc.batchSize);
  const passes = Math.max(1, Math.ceil(tc.minEpochUpdates / perPass));
  const bar = new Progress(label, data.length * passes, process.stderr, showProgress);
  const sum = { loss: 0, nerLoss: 0, relLoss: 0, sentences: 0 };
  for (let p = 0; p < passes; p++) onePass(model, opt, data, noise, rng, sum, bar);
  const n = sum.sentences;
  return { loss: sum.loss / n, nerLoss: sum.nerLoss / n, relLoss: sum.relLoss / n, sentences: n, seconds: (Date.now() - t0) / 1000 };
}

function onePass(model: RinModel, opt: Updater, data: EncodedSentence[], noise: Noise, rng: Rng, sum: { loss: number; nerLoss: number; relLoss: number; sentences: number }, bar: Progress): void {
  const { config: cfg, train: tc } = model;
  const order = bucketedBatches(
    data.map((s) => s.words.length),
    tc.batchSize,
    rng,
  );
  for (const idx of order) {
    const items = idx.map((k) => noisy(data[k], noise, tc, rng));
    const r = trainStep(model.params, cfg, opt, makeBatch(items, model.table), rng.int(), tc.clipNorm);
    sum.loss += r.loss * idx.length;
    sum.nerLoss += r.nerLoss * idx.length;
    sum.relLoss += r.relLoss * idx.length;
    sum.sentences += idx.length;
    bar.update(sum.sentences, `loss ${(sum.loss / sum.sentences).toFixed(3)}`);
  }
}
