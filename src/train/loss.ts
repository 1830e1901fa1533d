/**
 * Eq. 12-14: cross-entropy over the NER tags of every real word plus binary cross-entropy over
 * every (word, relation, word) cell with w ≠ w'. Summed per sentence, averaged over the batch.
 */
import * as tf from '@tensorflow/tfjs';
import { maskedCrossEntropy, separableBce } from '../engine/ops.ts';
import type { Batch } from '../model/batch.ts';
import type { Logits } from '../model/rin.ts';

export interface LossParts {
  total: tf.Scalar;
  ner: tf.Scalar;
  rel: tf.Scalar;
}

export function loss(logits: Logits, batch: Batch, selfPairs = false): LossParts {
  if (!batch.ner || !batch.cells) throw new Error('loss needs a batch with gold labels');
  const ner = maskedCrossEntropy(logits.ner, batch.ner, batch.mask, batch.B); // Eq. 12, one JS pass
  const rel = separableBce(logits.a, logits.c, logits.bias, batch.lengths, batch.cells, selfPairs); // Eq. 13
  return { total: tf.add(ner, rel), ner, rel }; // Eq. 14 (the BCE of Eq. 13 is one JS pass too)
}
