/**
 * Whole-mention swap, a training-time augmentation: a gold entity mention is replaced, as a
 * whole (every word's id, vector row, characters, shape, subword features, POS tag and BIESO tag), by another
 * training mention that fills the same relation slot (same relation, same side; and the same
 * entity type in typed data) somewhere in the corpus. The relation cells move with the words,
 * so the sentence stays correctly labelled: "Marie Curie was born in Warsaw" can be seen as
 * "Ada Lovelace was born in Warsaw" and "Marie Curie was born in La Crosse , Wisconsin".
 * Names then appear in contexts they never had, whole and with their own length, unlike the
 * word-by-word replacement of TrainConfig.mentionReplace. Subword features are computed once
 * per training sentence, so the words around a swapped mention keep the features they had
 * beside the original one.
 */
import type { Cell, EncodedSentence } from '../core/types.ts';
import type { Rng } from '../engine/rng.ts';
import { tagParts } from './vocab.ts';

/** One encoded mention, word by word. */
export interface MentionPiece {
  words: number[];
  pos: number[];
  ner: number[];
  vec?: number[];
  chars?: number[][];
  shape?: number[];
  sub?: Float32Array[];
}

/** Slot key → the distinct mentions that fill it. */
export type MentionPool = Map<string, MentionPiece[]>;

interface Span {
  start: number;
  /** Exclusive. */
  end: number;
  type: number;
}

/** The BIESO spans of a sentence's gold tags (well formed: the encoder writes them). */
export function tagSpans(ner: number[]): Span[] {
  const out: Span[] = [];
  let start = -1;
  ner.forEach((id, k) => {
    const { prefix, typeIndex } = tagParts(id);
    if (prefix === 'S') out.push({ start: k, end: k + 1, type: typeIndex });
    else if (prefix === 'B') start = k;
    else if (prefix === 'E' && start >= 0) {
      out.push({ start, end: k + 1, type: typeIndex });
      start = -1;
    } else if (prefix === 'O') start = -1;
  });
  return out;
}

/** The slots a span fills: `type|relation|s` when a cell's subject ends on it, `|o` for objects. */
function slotsOf(sp: Span, cells: Cell[]): string[] {
  const last = sp.end - 1;
  const keys = new Set<string>();
  for (const c of cells) {
    if (c.i === last) keys.add(`${sp.type}|${c.t}|s`);
    if (c.j === last) keys.add(`${sp.type}|${c.t}|o`);
  }
  return [...keys];
}

/** A cell pointing inside the span, not at its last word: such a span is never swapped. */
const pointedInside = (sp: Span, cells: Cell[]) => cells.some((c) => (c.i >= sp.start && c.i < sp.end - 1) || (c.j >= sp.start && c.j < sp.end - 1));

function pieceOf(s: EncodedSentence, sp: Span): MentionPiece {
  const cut = <T>(a: T[]) => a.slice(sp.start, sp.end);
  return {
    words: cut(s.words),
    pos: cut(s.pos),
    ner: cut(s.ner!),
    ...(s.vec ? { vec: cut(s.vec) } : {}),
    ...(s.chars ? { chars: cut(s.chars) } : {}),
    ...(s.shape ? { shape: cut(s.shape) } : {}),
    ...(s.sub ? { sub: cut(s.sub) } : {}),
  };
}

/** Every distinct mention of the training data under each slot it fills. */
export function mentionPool(data: EncodedSentence[]): MentionPool {
  const pool: MentionPool = new Map();
  const seen = new Set<string>();
  for (const s of data) {
    if (!s.ner || !s.cells) continue;
    for (const sp of tagSpans(s.ner)) {
      if (pointedInside(sp, s.cells)) continue;
      const piece = pieceOf(s, sp);
      const id = `${piece.words.join(',')}/${piece.vec?.join(',') ?? ''}`;
      for (const slot of slotsOf(sp, s.cells)) {
        if (seen.has(`${slot}/${id}`)) continue;
        seen.add(`${slot}/${id}`);
        pool.get(slot)?.push(piece) ?? pool.set(slot, [piece]);
      }
    }
  }
  return pool;
}

/**
 * The sentence with each swappable mention replaced, with probability `rate`, by a mention of
 * one of its slots (drawn uniformly). The RNG is drawn once per mention that fills a slot, and
 * twice more for each swap. Returns the input itself when nothing was swapped.
 */
export function swapMentions(s: EncodedSentence, pool: MentionPool, rate: number, rng: Rng): EncodedSentence {
  if (rate <= 0 || !s.ner || !s.cells?.length) return s;
  const swaps: { sp: Span; piece: MentionPiece }[] = [];
  for (const sp of tagSpans(s.ner)) {
    const slots = slotsOf(sp, s.cells);
    if (!slots.length || pointedInside(sp, s.cells) || rng.next() >= rate) continue;
    const candidates = pool.get(slots[Math.floor(rng.next() * slots.length)]);
    if (candidates?.length) swaps.push({ sp, piece: candidates[Math.floor(rng.next() * candidates.length)] });
  }
  if (!swaps.length) return s;
  return splice(s, swaps);
}

/** Rebuilds the sentence with the swapped pieces; cells on a swapped span's last word follow it. */
function splice(s: EncodedSentence, swaps: { sp: Span; piece: MentionPiece }[]): EncodedSentence {
  const at = new Int32Array(s.words.length); // old position → new position (swapped spans: their last word)
  const out: MentionPiece = { words: [], pos: [], ner: [], ...(s.vec ? { vec: [] } : {}), ...(s.chars ? { chars: [] } : {}), ...(s.shape ? { shape: [] } : {}), ...(s.sub ? { sub: [] } : {}) };
  // Pieces come from sentences of the same encoder, so they have the same inputs as `s`.
  const copy = (from: MentionPiece | EncodedSentence, a: number, b: number) => {
    out.words.push(...from.words.slice(a, b));
    out.pos.push(...from.pos.slice(a, b));
    out.ner.push(...from.ner!.slice(a, b));
    out.vec?.push(...from.vec!.slice(a, b));
    out.chars?.push(...from.chars!.slice(a, b));
    out.shape?.push(...from.shape!.slice(a, b));
    out.sub?.push(...from.sub!.slice(a, b));
  };
  /** Words [a, b) of `s`, unchanged. */
  const keep = (a: number, b: number) => {
    for (let k = a; k < b; k++) at[k] = out.words.length + k - a;
    copy(s, a, b);
  };
  let k = 0;
  for (const { sp, piece } of swaps) {
    keep(k, sp.start);
    copy(piece, 0, piece.words.length);
    at.fill(out.words.length - 1, sp.start, sp.end);
    k = sp.end;
  }
  keep(k, s.words.length);
  return { ...out, cells: s.cells!.map((c) => ({ i: at[c.i], t: c.t, j: at[c.j] })) };
}
