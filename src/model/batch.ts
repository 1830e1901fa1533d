/**
 * The tensors' worth of one batch, as plain arrays. Everything per position is TIME-MAJOR:
 * the flat index of (position i, sentence b) is i * B + b, so the LSTM reads step i as
 * rows [i*B, (i+1)*B) with no transpose.
 */
import type { Cell } from '../engine/ops.ts';

export interface Batch {
  /** Sentences in the batch. */
  B: number;
  /** Padded length (the longest sentence). */
  n: number;
  /** Real length of each sentence. */
  lengths: number[];
  /** Word ids, [n * B], 0 = <pad>. */
  words: Int32Array;
  /** POS-tag ids, [n * B], 0 = <pad>. */
  pos: Int32Array;
  /** 1 for real words, 0 for padding, [n * B]. */
  mask: Float32Array;
  /** Gold NER tag ids, [n * B] (training only). */
  ner?: Int32Array;
  /** Gold relation cells per sentence (training only). */
  cells?: Cell[][];
}

/** One encoded sentence: ids and gold labels, before padding. */
export interface EncodedSentence {
  words: number[];
  pos: number[];
  ner?: number[];
  cells?: Cell[];
}

/** Pad a list of encoded sentences into one time-major batch. */
export function makeBatch(items: EncodedSentence[]): Batch {
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
  return { B, n, lengths, words, pos, mask, ner, cells: hasGold ? items.map((s) => s.cells!) : undefined };
}
