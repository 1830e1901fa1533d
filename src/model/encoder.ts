/**
 * Sentence encoder (§4.4): word ⊕ POS embeddings (⊕ characters ⊕ shape), input dropout, BiLSTM → H,
 * and the task-feature maps fr, fg (Eq. 11) → H̃ (hRel), H̄ (hEnt).
 */
import * as tf from '@tensorflow/tfjs';
import { embeddingLookup, reverseTime } from '../engine/ops.ts';
import type { ModelConfig } from './config.ts';
import { CHAR_WIDTH, type Params, mat, vec } from './params.ts';
import { MAX_CHARS, SHAPE_SIZE } from '../data/wordFeatures.ts';
import type { Batch } from './batch.ts';
import { batchDropout } from './dropout.ts';

/**
 * Dense layer on flat rows: act(x [N, i] · W [i, o] + b). Plain 2-D matmul (the fast path on
 * wasm), fused with the bias and ReLU into one kernel so the tape records one op, not three.
 */
export function dense(x: tf.Tensor2D, W: tf.Tensor2D, b?: tf.Tensor1D, activation: 'linear' | 'relu' = 'linear'): tf.Tensor2D {
  return tf.fused.matMul({ a: x, b: W, bias: b, activation }) as tf.Tensor2D; // [N, o]
}

/**
 * Both LSTM directions in ONE recurrence, so each step costs one set of ops instead of two
 * (on wasm the per-op overhead, not the arithmetic, dominates these small steps).
 * Step s reads the forward direction at time s and the backward direction at time n-1-s.
 * Columns are laid out gate-major, [i_fw i_bw | f_fw f_bw | g_fw g_bw | o_fw o_bw], so each gate
 * is one [B, 2h] block and the recurrent matrix is block-diagonal per gate.
 * Padding sits at the end and the backward direction reads it first: multiplying its state by
 * the mask keeps it zero until the real words start.
 * Inputs are the input projections x·W + b of each direction, the backward one in reversed time.
 * Returns H, [n*B, 2h] = [h_fw | h_bw] in time order.
 */
function biLstm(xFw: tf.Tensor2D, xBwRev: tf.Tensor2D, uFw: tf.Tensor2D, uBw: tf.Tensor2D, mask: Float32Array, n: number): tf.Tensor2D {
  const B = xFw.shape[0] / n;
  const h = uFw.shape[0];
  const fw = tf.reshape(xFw, [n, B, 4, h]); // [n, B, 4, h]
  const bw = tf.reshape(xBwRev, [n, B, 4, h]); // [n, B, 4, h], already in reversed time
  const steps = tf.unstack(tf.reshape(tf.concat([fw, bw], 3), [n, B, 8 * h])) as tf.Tensor2D[]; // n × [B, 8h]
  const zero = tf.zeros([h, 4, h]); // [h, 4, h]
  const uTop = tf.concat([tf.reshape(uFw, [h, 4, h]), zero], 2); // [h, 4, 2h]
  const uBot = tf.concat([zero, tf.reshape(uBw, [h, 4, h])], 2); // [h, 4, 2h]
  const U = tf.reshape(tf.concat([uTop, uBot], 0), [2 * h, 8 * h]) as tf.Tensor2D; // [2h, 8h]
  // keep[s] = 1 for the forward half, mask(time n-1-s) for the backward half.
  const keepv = new Float32Array(n * B * 2 * h);
  for (let s = 0; s < n; s++)
    for (let b = 0; b < B; b++) {
      const o = (s * B + b) * 2 * h;
      keepv.fill(1, o, o + h);
      keepv.fill(mask[(n - 1 - s) * B + b], o + h, o + 2 * h);
    }
  const keeps = tf.unstack(tf.tensor3d(keepv, [n, B, 2 * h])) as tf.Tensor2D[]; // n × [B, 2h]
  let hPrev = tf.zeros([B, 2 * h]) as tf.Tensor2D; // [B, 2h]
  let cPrev = tf.zeros([B, 2 * h]) as tf.Tensor2D; // [B, 2h]
  const out: tf.Tensor2D[] = [];
  for (let s = 0; s < n; s++) {
    const gates = tf.add(steps[s], tf.matMul(hPrev, U)); // [B, 8h]
    const [gi, gf, gg, go] = tf.split(gates, 4, 1) as tf.Tensor2D[]; // 4 × [B, 2h]
    const c = tf.mul(tf.add(tf.mul(tf.sigmoid(gf), cPrev), tf.mul(tf.sigmoid(gi), tf.tanh(gg))), keeps[s]) as tf.Tensor2D; // [B, 2h]
    const hNew = tf.mul(tf.mul(tf.sigmoid(go), tf.tanh(c)), keeps[s]) as tf.Tensor2D; // [B, 2h]
    out.push(hNew);
    hPrev = hNew;
    cPrev = c;
  }
  const [hFw, hBwRev] = tf.split(tf.reshape(tf.stack(out), [n * B, 2 * h]), 2, 1) as tf.Tensor2D[]; // 2 × [n*B, h]
  return tf.concat([hFw, reverseTime(hBwRev, n)], 1) as tf.Tensor2D; // [n*B, 2h]
}

/** H: the BiLSTM output for every position, flat time-major [n*B, hiddenDim]. */
export function encode(p: Params, cfg: ModelConfig, batch: Batch, training: boolean, seed: number): tf.Tensor2D {
  const { n } = batch;
  let x = inputFeatures(p, cfg, batch); // [n*B, in]
  if (training && cfg.inputDropout > 0) x = batchDropout(x, cfg.inputDropout, seed, batch); // [n*B, in]
  const proj = (dir: 'fw' | 'bw') => dense(x, mat(p, `lstm.${dir}.W`), vec(p, `lstm.${dir}.b`)); // [n*B, 4h]
  const xBwRev = reverseTime(proj('bw'), n); // [n*B, 4h], time reversed
  const H = biLstm(proj('fw'), xBwRev, mat(p, 'lstm.fw.U'), mat(p, 'lstm.bw.U'), batch.mask, n); // [n*B, 2h]
  if (training && cfg.hiddenDropout > 0) return batchDropout(H, cfg.hiddenDropout, seed + 1, batch); // [n*B, 2h]
  return H;
}

/** One position's input: word ⊕ POS (§5.1), then the char CNN and shape features when configured. */
function inputFeatures(p: Params, cfg: ModelConfig, batch: Batch): tf.Tensor2D {
  const N = batch.words.length;
  const parts = [wordVectors(p, cfg, batch), embeddingLookup(mat(p, 'emb.pos'), batch.pos)]; // [N, wordDim], [N, posDim]
  if (cfg.charDim > 0) parts.push(charFeatures(p, batch)); // [N, charFilters]
  if (cfg.shapeFeatures) {
    if (!batch.shape) throw new Error('the model reads word shapes: the batch has none');
    parts.push(tf.tensor2d(batch.shape, [N, SHAPE_SIZE])); // [N, S]
  }
  return tf.concat(parts, 1) as tf.Tensor2D; // [N, in]
}

/**
 * Closed vocabulary (the paper): a trainable row per training word. Open vocabulary: the word's
 * frozen pre-trained vector (copied into the batch from the whole table) plus its trained
 * correction; id 0 adds nothing, so an unseen word is exactly its pre-trained vector.
 */
function wordVectors(p: Params, cfg: ModelConfig, batch: Batch): tf.Tensor2D {
  const table = mat(p, 'emb.word');
  if (cfg.wordInput === 'closed') return embeddingLookup(table, batch.words); // [N, d]
  if (!batch.vectors) throw new Error('an open-vocabulary model needs the pre-trained vectors in its batch (makeBatch with the table)');
  const pre = tf.tensor2d(batch.vectors, [batch.words.length, cfg.wordDim]); // [N, d]
  return tf.add(pre, embeddingLookup(table, batch.words, true)) as tf.Tensor2D; // [N, d]
}

/**
 * Char CNN (Ma & Hovy 2016) over the batch's distinct words: each window of CHAR_WIDTH
 * characters → ReLU(W · chars + b), max over the word, then copied to every position.
 */
function charFeatures(p: Params, batch: Batch): tf.Tensor2D {
  if (!batch.chars || !batch.charWord) throw new Error('the model reads characters: the batch has none');
  const U = batch.chars.length / MAX_CHARS;
  let L = 1; // the longest word of the batch bounds the work, not MAX_CHARS
  for (let u = 0; u < U; u++) for (let c = L; c < MAX_CHARS; c++) if (batch.chars[u * MAX_CHARS + c]) L = c + 1;
  const half = (CHAR_WIDTH - 1) / 2;
  const window = Array.from({ length: CHAR_WIDTH }, () => new Int32Array(U * L)); // ids of each window slot, [U*L]
  const inWord = new Float32Array(U * L); // 1 where a window is centred on a real character
  for (let u = 0; u < U; u++)
    for (let c = 0; c < L; c++) {
      inWord[u * L + c] = batch.chars[u * MAX_CHARS + c] ? 1 : 0;
      for (let k = 0; k < CHAR_WIDTH; k++) {
        const at = c + k - half;
        if (at >= 0 && at < L) window[k][u * L + c] = batch.chars[u * MAX_CHARS + at];
      }
    }
  const E = mat(p, 'emb.char');
  const win = tf.concat(
    window.map((ids) => embeddingLookup(E, ids, true)),
    1,
  ) as tf.Tensor2D; // [U*L, w*c]
  const conv = dense(win, mat(p, 'char.W'), vec(p, 'char.b'), 'relu'); // [U*L, F]
  const F = conv.shape[1];
  // ReLU output is ≥ 0, so zeroing the padding never changes a word's max.
  const masked = tf.mul(conv, tf.tensor2d(inWord, [U * L, 1])); // [U*L, F]
  const perWord = tf.max(tf.reshape(masked, [U, L, F]), 1) as tf.Tensor2D; // [U, F]
  return embeddingLookup(perWord, batch.charWord); // [N, F]
}

/** Eq. 11: h̃ = ReLU(W_f h + b_f), with separate weights for fr (relations) and fg (entities). */
export function taskFeatures(p: Params, H: tf.Tensor2D): { hRel: tf.Tensor2D; hEnt: tf.Tensor2D } {
  const hRel = dense(H, mat(p, 'fr.W'), vec(p, 'fr.b'), 'relu'); // [n*B, d]
  const hEnt = dense(H, mat(p, 'fg.W'), vec(p, 'fg.b'), 'relu'); // [n*B, d]
  return { hRel, hEnt };
}
