/**
 * Eq. 12-14: cross-entropy over the NER tags of every real word plus binary cross-entropy over
 * every (word, relation, word) cell with w ≠ w'. Summed per sentence, averaged over the batch.
 */
import * as tf from '@tensorflow/tfjs';
import { separableBce } from '../engine/ops.ts';
import type { Batch } from '../model/batch.ts';
import type { Logits } from '../model/rin.ts';

export interface LossParts {
  total: tf.Scalar;
  ner: tf.Scalar;
  rel: tf.Scalar;
}

export function loss(logits: Logits, batch: Batch, selfPairs = false): LossParts {
  if (!batch.ner || !batch.cells) throw new Error('loss needs a batch with gold labels');
  const T = logits.ner.shape[1];
  const gold = tf.oneHot(tf.tensor1d(batch.ner, 'int32'), T); // [n*B, T]
  const mask = tf.tensor2d(batch.mask, [batch.mask.length, 1]); // [n*B, 1]
  const logp = tf.logSoftmax(logits.ner); // [n*B, T]
  const ner = tf.div(tf.neg(tf.sum(tf.mul(tf.mul(gold, logp), mask))), batch.B) as tf.Scalar; // Eq. 12
  const rel = separableBce(logits.a, logits.c, logits.bias, batch.lengths, batch.cells, selfPairs); // Eq. 13
  return { total: tf.add(ner, rel), ner, rel }; // Eq. 14
}
