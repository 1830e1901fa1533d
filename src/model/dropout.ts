/**
 * Training dropout that does not depend on how a batch is split across threads: a batch that is
 * one replica's part of a larger batch (Batch.part, src/train/parallel.ts) draws the whole
 * batch's uniform numbers and keeps its own rows, so each sentence gets exactly the mask it would
 * get in the whole batch on one thread. A batch that is not a part gets tf.dropout, unchanged.
 */
import * as tf from '@tensorflow/tfjs';
import type { Batch } from './batch.ts';

/** tf.dropout(x, rate, undefined, seed) of the whole batch, restricted to this part's rows. x: time-major [n*B, w]. */
export function batchDropout(x: tf.Tensor2D, rate: number, seed: number, batch: Batch): tf.Tensor2D {
  const whole = batch.part;
  if (!whole) return tf.dropout(x, rate, undefined, seed) as tf.Tensor2D; // [n*B, w]
  const { n, B } = batch;
  const rows = new Int32Array(n * B); // row of the whole batch for each row of the part
  for (let i = 0; i < n; i++) for (let b = 0; b < B; b++) rows[i * B + b] = i * whole.B + whole.index[b];
  // The arithmetic of tf.dropout, op for op, so the masks are bitwise the same.
  const keep = 1 - rate;
  const u = tf.randomUniform([whole.n * whole.B, x.shape[1]], 0, 1, 'float32', seed); // [nW*BW, w]
  const multiplier = tf.div(tf.floor(tf.add(tf.gather(u, rows), keep)), keep); // [n*B, w]
  return tf.mul(x, multiplier); // [n*B, w]
}
