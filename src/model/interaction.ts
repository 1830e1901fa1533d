/**
 * The recurrent interaction (§4.1): INT (Eq. 1-3) and the updaters of H̃ and H̄
 * (GRU, Eq. 4-7; vanilla RNN, Fig. 3; linear, Table 5 RIN−γ).
 */
import * as tf from '@tensorflow/tfjs';
import { nativeGru } from '../engine/gru.ts';
import { loadNative } from '../engine/addon.ts';
import { maxOverOtherWords, tanh } from '../engine/ops.ts';
import type { ModelConfig } from './config.ts';
import { dense } from './encoder.ts';
import type { RelLogits } from './heads.ts';
import { type Params, type ParamGroup, mat, vec } from './params.ts';

/**
 * Eq. 1-2: ŷ[i, t] = max_{j≠i} p(<w_i, t, w_j>), the chance that word i is the subject of
 * relation t with some other real word. Separable logits turn the max over j into a max over c.
 * Returns [n*B, l].
 */
export function relationSummary(rel: RelLogits, lengths: number[], selfPairs: boolean): tf.Tensor2D {
  const [n, B, l] = rel.a.shape;
  const maxC = maxOverOtherWords(rel.c, lengths, selfPairs); // [n, B, l]
  const logit = tf.add(tf.add(rel.a, maxC), rel.bias); // [n, B, l]
  return tf.reshape(tf.sigmoid(logit), [n * B, l]) as tf.Tensor2D; // [n*B, l]
}

/**
 * Eq. 3: x = ReLU(W_a (ŷ ⊕ ȳ ⊕ h) + b_a). W_a is stored as one block per input, so the
 * Table 5 ablations (RIN−ỹ, RIN−ȳ, RIN−H) simply leave a block out.
 */
export function interaction(
  p: Params,
  cfg: ModelConfig,
  yRel: tf.Tensor2D, // ŷ [n*B, l]
  yEnt: tf.Tensor2D, // ȳ [n*B, T]
  H: tf.Tensor2D, // [n*B, hiddenDim]
): tf.Tensor2D {
  const terms: tf.Tensor2D[] = []; // one matmul per input block, summed in one op
  if (cfg.intUsesRel) terms.push(dense(yRel, mat(p, 'int.Wrel'))); // [n*B, dx]
  if (cfg.intUsesEnt) terms.push(dense(yEnt, mat(p, 'int.Went'))); // [n*B, dx]
  if (cfg.intUsesH) terms.push(dense(H, mat(p, 'int.Wh'))); // [n*B, dx]
  const s = terms.length ? tf.addN(terms) : tf.zeros([H.shape[0], cfg.intDim]); // [n*B, dx]
  return tf.relu(tf.add(s, vec(p, 'int.b'))) as tf.Tensor2D; // [n*B, dx]
}

/**
 * Eq. 4-7, the GRU update of one task feature (prefix 'updR' for H̃, 'updG' for H̄). With the
 * native addon it is one custom op in C (engine/gru.ts); without it, tfjs ops with z and u from
 * one matmul ([h, x] · [W_z | W_u]). Measured on wasm and not kept for that path: both updaters in
 * one matmul (block weights with zero blocks: +33% time; a batched [2, N, ·] matmul: ~10x), and
 * the update as a custom op with JavaScript loops (~1.5x slower than these kernels).
 */
export function gruUpdate(p: Params, prefix: ParamGroup, h: tf.Tensor2D, x: tf.Tensor2D): tf.Tensor2D {
  const native = loadNative();
  if (native) return nativeGru(native, h, x, mat(p, `${prefix}.Wz`), mat(p, `${prefix}.Wu`), mat(p, `${prefix}.Wo`)); // [N, d], one op (engine/gru.ts)
  const hx = tf.concat([h, x], 1) as tf.Tensor2D; // [N, d+dx]
  const Wzu = tf.concat([mat(p, `${prefix}.Wz`), mat(p, `${prefix}.Wu`)], 1) as tf.Tensor2D; // [d+dx, 2d]
  const [z, u] = tf.split(tf.sigmoid(dense(hx, Wzu)), 2, 1) as tf.Tensor2D[]; // Eq. 4-5, [N, d] each
  const ux = tf.concat([tf.mul(u, h), x], 1) as tf.Tensor2D; // [N, d+dx]
  const hCand = tanh(dense(ux, mat(p, `${prefix}.Wo`))); // Eq. 6 [N, d]
  return tf.add(h, tf.mul(z, tf.sub(hCand, h))) as tf.Tensor2D; // Eq. 7, (1 − z) h + z h̃ [N, d]
}

/** Fig. 3 "RIN (RNN)": h_new = tanh(W (h ⊕ x) + b). */
export function rnnUpdate(p: Params, prefix: ParamGroup, h: tf.Tensor2D, x: tf.Tensor2D): tf.Tensor2D {
  const hx = tf.concat([h, x], 1) as tf.Tensor2D; // [N, d+dx]
  return tanh(dense(hx, mat(p, `${prefix}.W`), vec(p, `${prefix}.b`))) as tf.Tensor2D; // [N, d]
}

/** Table 5 "RIN−γ": INT and the GRUs replaced by a linear map, h_new = W h + b. */
export function linearUpdate(p: Params, prefix: ParamGroup, h: tf.Tensor2D): tf.Tensor2D {
  return dense(h, mat(p, `${prefix}.W`), vec(p, `${prefix}.b`)); // [N, d]
}
