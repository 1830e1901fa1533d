/**
 * Logits → entities and triples.
 * NER: arg-max BIESO tag per word, or with 'viterbi' the best valid BIESO sequence (viterbi.ts),
 * read into spans (S, or B I* E).
 * RE: every cell (i, t, j) with p ≥ threshold (§3: p ≥ 0.5). With separable logits a cell can
 * only pass if a[i,t] + b[t] + max_j c[j,t] does, so most rows are skipped without a scan.
 * A triple's subject/object span is the predicted entity ending at its head word, else the word
 * alone; with `entityPairs` only cells between two predicted entities' last words are read, so
 * a triple's mentions are entities and never overlap (what raw-text extraction wants; the paper
 * scores every cell).
 */
import type { Entity } from '../core/types.ts';
import { UserError } from '../core/errors.ts';
import { tagParts } from '../features/vocab.ts';
import { viterbiTags } from './viterbi.ts';

/** A predicted entity with the NER head's confidence in it. */
export interface PredictedEntity extends Entity {
  /** The mean, over its words, of the NER softmax probability (Eq. 8) of the tag each word was given (set by decode). */
  score?: number;
}

export interface PredictedTriple {
  subject: PredictedEntity;
  relation: string;
  object: PredictedEntity;
  /** p(<w, t, w'>) of the head-word cell (Eq. 10). */
  score: number;
}

export interface Prediction {
  entities: PredictedEntity[];
  triples: PredictedTriple[];
}

/** Host copies of the logits of one batch (time-major, see model/batch.ts). */
export interface LogitValues {
  n: number;
  B: number;
  lengths: number[];
  ner: Float32Array | Int32Array | Uint8Array; // [n*B, T]
  a: Float32Array | Int32Array | Uint8Array; // [n, B, l]
  c: Float32Array | Int32Array | Uint8Array; // [n, B, l]
  bias: Float32Array | Int32Array | Uint8Array; // [l]
}

/**
 * Spans from a sequence of BIESO tag ids (untyped: O=0 B=1 I=2 E=3 S=4; typed: see
 * vocab.ts nerTags). B I* E must keep one type; broken sequences are dropped. With `types`,
 * each span carries its type name.
 */
export function biesoSpans(tags: ArrayLike<number>, types: string[] = []): Entity[] {
  const out: Entity[] = [];
  let open = -1;
  let openType = -1;
  const typed = (start: number, end: number, ty: number): Entity => (types.length ? { start, end, type: types[ty] } : { start, end });
  for (let k = 0; k < tags.length; k++) {
    const { prefix, typeIndex } = tagParts(tags[k]);
    if (prefix === 'S') {
      out.push(typed(k, k + 1, typeIndex));
      open = -1;
    } else if (prefix === 'B') {
      open = k;
      openType = typeIndex;
    } else if (prefix === 'E') {
      if (open >= 0 && typeIndex === openType) out.push(typed(open, k + 1, typeIndex));
      open = -1;
    } else if (prefix !== 'I' || typeIndex !== openType) open = -1;
  }
  return out;
}

/** The highest-logit tag of each word (ties to the lower id); may be an invalid BIESO sequence. */
function argmaxTags(logits: ArrayLike<number>, rowOf: (i: number) => number, len: number, T: number): Int32Array {
  const tags = new Int32Array(len);
  for (let i = 0; i < len; i++) {
    const o = rowOf(i);
    let best = 0;
    for (let k = 1; k < T; k++) if (logits[o + k] > logits[o + best]) best = k;
    tags[i] = best;
  }
  return tags;
}

/** Softmax probability of tag `tag` in the row of NER logits at offset `o`. */
function tagProbability(logits: ArrayLike<number>, o: number, tag: number, T: number): number {
  let max = -Infinity;
  for (let k = 0; k < T; k++) max = Math.max(max, logits[o + k]);
  let sum = 0;
  for (let k = 0; k < T; k++) sum += Math.exp(logits[o + k] - max);
  return Math.exp(logits[o + tag] - max) / sum;
}

/** A threshold is a probability: 0 keeps every cell, 1 none; anything else (NaN, 1.5) is an error. */
export function checkThreshold(threshold: number): number {
  if (!(typeof threshold === 'number' && threshold >= 0 && threshold <= 1)) throw new UserError(`threshold must be a number from 0 to 1, got ${threshold}`);
  return threshold;
}

/** How NER tags are read from the logits: per-word arg-max, or the best valid BIESO sequence. */
export type TagDecoding = 'argmax' | 'viterbi';

export interface DecodeOptions {
  /** Also read (w, t, w) cells (the model was trained with them). */
  selfPairs?: boolean;
  /** p ≥ threshold makes a triple (default 0.5, as the paper). */
  threshold?: number;
  /** The model's entity types (empty when untyped), so spans carry their type. */
  types?: string[];
  /** 'argmax' (default) or 'viterbi', which never yields a broken sequence that biesoSpans would drop. */
  tagDecoding?: TagDecoding;
  /** Only triples between predicted entities (by their last words). */
  entityPairs?: boolean;
}

export function decode(v: LogitValues, relations: string[], o: DecodeOptions = {}): Prediction[] {
  const { n, B, lengths } = v;
  const l = relations.length;
  const T = v.ner.length / (n * B);
  const threshold = checkThreshold(o.threshold ?? 0.5);
  const cut = Math.log(threshold / (1 - threshold)); // sigmoid(x) ≥ threshold ⇔ x ≥ cut
  const preds: Prediction[] = [];
  for (let b = 0; b < B; b++) {
    const len = lengths[b];
    const rowOf = (i: number) => (i * B + b) * T;
    const tags = o.tagDecoding === 'viterbi' ? viterbiTags(v.ner, rowOf, len, T) : argmaxTags(v.ner, rowOf, len, T);
    // Only the words of entities (and of a triple's word-alone mention) are scored.
    const scored = (e: Entity): PredictedEntity & { score: number } => {
      let sum = 0;
      for (let i = e.start; i < e.end; i++) sum += tagProbability(v.ner, rowOf(i), tags[i], T);
      return { ...e, score: sum / (e.end - e.start) };
    };
    const entities = biesoSpans(tags, o.types).map(scored);
    const endingAt = new Map(entities.map((e) => [e.end - 1, e]));
    const spanOf = (i: number): PredictedEntity => endingAt.get(i) ?? scored({ start: i, end: i + 1 });
    const heads = o.entityPairs ? [...endingAt.keys()] : Array.from({ length: len }, (_, i) => i);
    const triples: PredictedTriple[] = [];
    for (let t = 0; t < l; t++) {
      let maxC = -Infinity;
      for (const j of heads) maxC = Math.max(maxC, v.c[(j * B + b) * l + t]);
      for (const i of heads) {
        const ai = v.a[(i * B + b) * l + t] + v.bias[t];
        if (ai + maxC < cut) continue;
        for (const j of heads) {
          if (j === i && !o.selfPairs) continue;
          const x = ai + v.c[(j * B + b) * l + t];
          if (x >= cut) triples.push({ subject: spanOf(i), relation: relations[t], object: spanOf(j), score: 1 / (1 + Math.exp(-x)) });
        }
      }
    }
    preds.push({ entities, triples });
  }
  return preds;
}
