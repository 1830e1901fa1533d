/**
 * The tensors' worth of one batch, as plain arrays. Everything per position is TIME-MAJOR:
 * the flat index of (position i, sentence b) is i * B + b, so the LSTM reads step i as
 * rows [i*B, (i+1)*B) with no transpose.
 */
import type { Cell, EncodedSentence } from '../core/types.ts';
import { MAX_CHARS, SHAPE_SIZE } from '../features/wordFeatures.ts';
import { SUBWORD_DIM } from '../features/subword.ts';

export interface Batch {
  /** Sentences in the batch. */
  B: number;
  /** Padded length (the longest sentence). */
  n: number;
  /** Real length of each sentence. */
  lengths: number[];
  /** Word ids, [n * B], 0 = <pad> (open vocabulary: 0 = no trained correction). */
  words: Int32Array;
  /** POS-tag ids, [n * B], 0 = <pad>. */
  pos: Int32Array;
  /** 1 for real words, 0 for padding, [n * B]. */
  mask: Float32Array;
  /** Open vocabulary: each position's pre-trained vector, [n * B, dim], zero where the word has none. */
  vectors?: Float32Array;
  /** Char CNN: the batch's distinct words as character ids, [U, MAX_CHARS], 0 = padding; word 0 is empty. */
  chars?: Int32Array;
  /** Char CNN: which distinct word sits at each position, [n * B] (0 for padding). */
  charWord?: Int32Array;
  /** Word-shape features, [n * B, SHAPE_SIZE]. */
  shape?: Float32Array;
  /** Frozen subword-encoder features, [n * B, SUBWORD_DIM], zero for padding. */
  subword?: Float32Array;
  /** Gold NER tag ids, [n * B] (training only). */
  ner?: Int32Array;
  /** Gold relation cells per sentence (training only). */
  cells?: Cell[][];
  /**
   * Training on several threads: this batch is one replica's part of a batch of B sentences
   * padded to n, and index[b] is its sentence b's place there (dropout.ts draws that batch's masks).
   */
  part?: { n: number; B: number; index: number[] };
}

/** The pre-trained table rows a batch copies its vectors from. */
export interface VectorSource {
  dim: number;
  vectors: Float32Array;
}

/** Pad a list of encoded sentences into one time-major batch. */
export function makeBatch(items: EncodedSentence[], table?: VectorSource): Batch {
  const B = items.length;
  const lengths = items.map((s) => s.words.length);
  const n = Math.max(1, ...lengths);
  const words = new Int32Array(n * B);
  const pos = new Int32Array(n * B);
  const mask = new Float32Array(n * B);
  const hasGold = items.every((s) => s.ner && s.cells);
  const ner = hasGold ? new Int32Array(n * B) : undefined;
  items.forEach((s, b) => {
    for (let i = 0; i < s.words.length; i++) {
      const q = i * B + b;
      words[q] = s.words[i];
      pos[q] = s.pos[i];
      mask[q] = 1;
      if (ner) ner[q] = s.ner![i];
    }
  });
  return {
    B,
    n,
    lengths,
    words,
    pos,
    mask,
    ...(table && items.every((s) => s.vec) ? { vectors: vectorRows(items, table, n) } : {}),
    ...(items.every((s) => s.chars) ? distinctWords(items, n) : {}),
    ...(items.every((s) => s.shape) ? { shape: shapeRows(items, n) } : {}),
    ...(items.every((s) => s.sub) ? { subword: subwordRows(items, n) } : {}),
    ner,
    cells: hasGold ? items.map((s) => s.cells!) : undefined,
  };
}

function vectorRows(items: EncodedSentence[], table: VectorSource, n: number): Float32Array {
  const B = items.length;
  const d = table.dim;
  const out = new Float32Array(n * B * d);
  items.forEach((s, b) =>
    s.vec!.forEach((row, i) => {
      if (row >= 0) out.set(table.vectors.subarray(row * d, (row + 1) * d), (i * B + b) * d);
    }),
  );
  return out;
}

/** The char CNN runs once per distinct word of the batch, not once per position. */
function distinctWords(items: EncodedSentence[], n: number): { chars: Int32Array; charWord: Int32Array } {
  const B = items.length;
  const index = new Map<string, number>([['', 0]]);
  const list: number[][] = [[]];
  const charWord = new Int32Array(n * B);
  items.forEach((s, b) =>
    s.chars!.forEach((cs, i) => {
      const key = cs.join(',');
      let u = index.get(key);
      if (u === undefined) {
        index.set(key, (u = list.length));
        list.push(cs);
      }
      charWord[i * B + b] = u;
    }),
  );
  const chars = new Int32Array(list.length * MAX_CHARS);
  list.forEach((cs, u) => chars.set(cs.slice(0, MAX_CHARS), u * MAX_CHARS));
  return { chars, charWord };
}

function subwordRows(items: EncodedSentence[], n: number): Float32Array {
  const B = items.length;
  const out = new Float32Array(n * B * SUBWORD_DIM);
  items.forEach((s, b) => s.sub!.forEach((row, i) => out.set(row, (i * B + b) * SUBWORD_DIM)));
  return out;
}

function shapeRows(items: EncodedSentence[], n: number): Float32Array {
  const B = items.length;
  const out = new Float32Array(n * B * SHAPE_SIZE);
  items.forEach((s, b) =>
    s.shape!.forEach((bits, i) => {
      for (let k = 0; k < SHAPE_SIZE; k++) out[(i * B + b) * SHAPE_SIZE + k] = (bits >> k) & 1;
    }),
  );
  return out;
}
