/**
 * One pass over the training data: shuffled length-bucketed batches, the training-time input
 * noise of the recipe (rare words → <unk>, hidden or swapped entity mentions), one optimiser step each.
 */
import type { Rng } from '../engine/rng.ts';
import type { RinModel } from '../io/modelDir.ts';
import type { EncodedSentence } from '../core/types.ts';
import type { TrainConfig } from '../model/config.ts';
import { type MentionPool, swapMentions } from '../features/augment.ts';
import { bucketedBatches } from '../model/batches.ts';
import { Progress } from '../core/progress.ts';
import type { Adam } from './adam.ts';
import type { DataParallel } from './parallel.ts';
import type { StepResult } from './step.ts';

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
  sub?: Float32Array;
}

/** Every word of every gold entity mention in the training data (NER tag not O). */
export function mentionWords(data: EncodedSentence[]): MentionWord[] {
  const out: MentionWord[] = [];
  for (const s of data)
    s.words.forEach((word, k) => {
      if (s.ner?.[k]) out.push({ word, vec: s.vec?.[k], chars: s.chars?.[k], shape: s.shape?.[k], sub: s.sub?.[k] });
    });
  return out;
}

export interface Noise {
  /** Word id → occurrences in training (for unkReplace). */
  counts: Map<number, number>;
  /** Words of training mentions (for mentionReplace). */
  mentions: MentionWord[];
  /** Whole training mentions by relation slot (for mentionSwap). */
  pool: MentionPool;
}

/**
 * The training-time view of a sentence. unkReplace: a word seen once becomes <unk>, so <unk>
 * learns a useful vector. mentionDropout: a word of a gold entity loses its vector and
 * correction (it reads as a word nothing knows; its characters stay). mentionReplace: a word
 * of a gold entity becomes a word of another training mention, whole (vector, correction,
 * characters, shape, subword features), so the model sees names in contexts they never had and learns to find
 * entities from context and spelling instead of remembering their names. mentionSwap: a whole
 * mention becomes another mention of the same relation slot first (features/augment.ts).
 * The RNG is drawn only where a rate is set, so the paper's recipe draws exactly as before.
 */
export function noisy(input: EncodedSentence, noise: Noise, tc: Pick<TrainConfig, 'unkReplace' | 'mentionDropout' | 'mentionReplace' | 'mentionSwap'>, rng: Rng): EncodedSentence {
  const s = swapMentions(input, noise.pool, tc.mentionSwap, rng);
  if (tc.unkReplace <= 0 && tc.mentionDropout <= 0 && tc.mentionReplace <= 0) return s;
  // Only what may change is copied: characters and shapes only by mentionReplace.
  const replace = tc.mentionReplace > 0;
  const out: EncodedSentence = { ...s, words: [...s.words], ...(s.vec ? { vec: [...s.vec] } : {}) };
  if (replace && s.chars) out.chars = [...s.chars];
  if (replace && s.shape) out.shape = [...s.shape];
  if (replace && s.sub) out.sub = [...s.sub];
  for (let k = 0; k < s.words.length; k++) {
    if (tc.unkReplace > 0 && noise.counts.get(s.words[k]) === 1 && rng.next() < tc.unkReplace) out.words[k] = 1;
    if (!s.ner?.[k]) continue;
    if (replace && noise.mentions.length && rng.next() < tc.mentionReplace) {
      const m = noise.mentions[Math.floor(rng.next() * noise.mentions.length)];
      out.words[k] = m.word;
      if (out.vec && m.vec !== undefined) out.vec[k] = m.vec;
      if (out.chars && m.chars) out.chars[k] = m.chars;
      if (out.shape && m.shape !== undefined) out.shape[k] = m.shape;
      if (out.sub && m.sub) out.sub[k] = m.sub;
    } else if (tc.mentionDropout > 0 && rng.next() < tc.mentionDropout) {
      out.words[k] = 1;
      if (out.vec) out.vec[k] = -1;
    }
  }
  return out;
}

/** A batch of the epoch: its sentences (noise applied) and the seed of its dropout masks. */
export interface EpochBatch {
  items: EncodedSentence[];
  seed: number;
}

/**
 * The batches of one "epoch": the unit of dev evaluation, checkpoints, patience and the epoch
 * cap. It is one pass over the data, or as many whole passes as reach TrainConfig.minEpochUpdates,
 * so a small data set (CoNLL04: 46 batches a pass) is trained and judged in as many updates as a
 * large one. The RNG is drawn here only, in the same order whatever runs the steps.
 */
export function* epochBatches(model: RinModel, data: EncodedSentence[], noise: Noise, rng: Rng): Generator<EpochBatch> {
  const { train: tc } = model;
  const lengths = data.map((s) => s.words.length);
  const passes = passesOf(model, data);
  for (let p = 0; p < passes; p++) {
    for (const idx of bucketedBatches(lengths, tc.batchSize, rng)) {
      const items = idx.map((k) => noisy(data[k], noise, tc, rng));
      yield { items, seed: rng.int() };
    }
  }
}

/** Whole passes over the data one epoch makes (enough for TrainConfig.minEpochUpdates). */
function passesOf(model: RinModel, data: EncodedSentence[]): number {
  return Math.max(1, Math.ceil(model.train.minEpochUpdates / Math.ceil(data.length / model.train.batchSize)));
}

/** Sentences an epoch trains on (its progress bar's end). */
function epochSize(model: RinModel, data: EncodedSentence[]): number {
  return data.length * passesOf(model, data);
}

/** Running means of the losses, weighted by sentences. */
class Tally {
  private readonly sum = { loss: 0, nerLoss: 0, relLoss: 0, sentences: 0 };
  private readonly t0 = Date.now();
  private readonly bar: Progress;
  constructor(label: string, total: number, show: boolean) {
    this.bar = new Progress(label, total, process.stderr, show);
  }
  add(r: StepResult, sentences: number): void {
    const s = this.sum;
    s.loss += r.loss * sentences;
    s.nerLoss += r.nerLoss * sentences;
    s.relLoss += r.relLoss * sentences;
    s.sentences += sentences;
    this.bar.update(s.sentences, `loss ${(s.loss / s.sentences).toFixed(3)}`);
  }
  result(): EpochLoss {
    const { loss, nerLoss, relLoss, sentences: n } = this.sum;
    return { loss: loss / n, nerLoss: nerLoss / n, relLoss: relLoss / n, sentences: n, seconds: (Date.now() - this.t0) / 1000 };
  }
}

/** One epoch on every thread of `dp` (parallel.ts; one thread: exactly trainStep), the same batches, masks and updates whatever the thread count, up to float rounding. */
export async function runEpochParallel(model: RinModel, dp: DataParallel, opt: Adam, data: EncodedSentence[], noise: Noise, rng: Rng, label: string, showProgress: boolean): Promise<EpochLoss> {
  const tally = new Tally(label, epochSize(model, data), showProgress);
  for (const { items, seed } of epochBatches(model, data, noise, rng)) {
    tally.add(await dp.step(opt, items, model.table, seed, model.train.clipNorm), items.length);
  }
  return tally.result();
}
