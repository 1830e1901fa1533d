/**
 * The two task heads: NER (Cg, Eq. 8) and RE (Cr, Eq. 9-10).
 */
import * as tf from '@tensorflow/tfjs';
import { dense } from './encoder.ts';
import { type Params, mat, vec } from './params.ts';

/** Eq. 8 before the softmax: NER logits W_g h̄ + b_g, [n*B, T]. */
export function nerLogits(p: Params, hEnt: tf.Tensor2D): tf.Tensor2D {
  return dense(hEnt, mat(p, 'ner.W'), vec(p, 'ner.b')); // [n*B, T]
}

/** The RE logits in separable form: logit[i, t, j] = a[i, t] + c[j, t] + bias[t]. */
export interface RelLogits {
  /** Subject part a, [n, B, l]. */
  a: tf.Tensor3D;
  /** Object part c, [n, B, l]. */
  c: tf.Tensor3D;
  /** Per-relation bias b_i(t), [l]. */
  bias: tf.Tensor1D;
}

/**
 * Eq. 9-10. m = ReLU((W_m h̃) ⊕ (W_r h̃')) and logit = W_p m + b(t). Because ReLU acts
 * element-wise on the concatenation, W_p m = W_p1 ReLU(W_m h̃) + W_p2 ReLU(W_r h̃'):
 * the logit of a (word, relation, word) cell is a sum of a subject part and an object part,
 * and no [n, n, l] tensor is ever needed.
 */
export function relLogits(p: Params, hRel: tf.Tensor2D, n: number, B: number): RelLogits {
  const l = vec(p, 're.b').shape[0];
  const subj = dense(hRel, mat(p, 're.Wm'), undefined, 'relu'); // [n*B, r]
  const obj = dense(hRel, mat(p, 're.Wr'), undefined, 'relu'); // [n*B, r]
  const a = tf.reshape(dense(subj, mat(p, 're.Wp1')), [n, B, l]) as tf.Tensor3D; // [n, B, l]
  const c = tf.reshape(dense(obj, mat(p, 're.Wp2')), [n, B, l]) as tf.Tensor3D; // [n, B, l]
  const bias = tf.clone(vec(p, 're.b')); // [l]; a copy, so disposing the logits never frees the variable
  return { a, c, bias };
}
