/**
 * Sentence encoder (§4.4): word ⊕ POS embeddings (⊕ characters ⊕ shape ⊕ subword features), input dropout, BiLSTM → H,
 * and the task-feature maps fr, fg (Eq. 11) → H̃ (hRel), H̄ (hEnt).
 */
import * as tf from '@tensorflow/tfjs';
import { biLstm } from '../engine/biLstm.ts';
import { embeddingLookup } from '../engine/ops.ts';
import type { ModelConfig } from './config.ts';
import { CHAR_WIDTH, type Params, mat, vec } from './params.ts';
import { MAX_CHARS, SHAPE_SIZE } from '../features/wordFeatures.ts';
import { SUBWORD_DIM } from '../features/subword.ts';
import type { Batch } from './batch.ts';
import { batchDropout } from './dropout.ts';

/**
 * Dense layer on flat rows: act(x [N, i] · W [i, o] + b). Plain 2-D matmul (the fast path on
 * wasm), fused with the bias and ReLU into one kernel so the tape records one op, not three.
 */
export function dense(x: tf.Tensor2D, W: tf.Tensor2D, b?: tf.Tensor1D, activation: 'linear' | 'relu' = 'linear'): tf.Tensor2D {
  return tf.fused.matMul({ a: x, b: W, bias: b, activation }) as tf.Tensor2D; // [N, o]
}

/** H: the BiLSTM output for every position, flat time-major [n*B, hiddenDim]. */
export function encode(p: Params, cfg: ModelConfig, batch: Batch, training: boolean, seed: number): tf.Tensor2D {
  const { n } = batch;
  let x = inputFeatures(p, cfg, batch); // [n*B, in]
  if (training && cfg.inputDropout > 0) x = batchDropout(x, cfg.inputDropout, seed, batch); // [n*B, in]
  const proj = (dir: 'fw' | 'bw') => dense(x, mat(p, `lstm.${dir}.W`), vec(p, `lstm.${dir}.b`)); // [n*B, 4h]
  const H = biLstm(proj('fw'), proj('bw'), mat(p, 'lstm.fw.U'), mat(p, 'lstm.bw.U'), batch.mask, n); // [n*B, 2h], one custom op (engine/biLstm.ts)
  if (training && cfg.hiddenDropout > 0) return batchDropout(H, cfg.hiddenDropout, seed + 1, batch); // [n*B, 2h]
  return H;
}

/** One position's input: word ⊕ POS (§5.1), then the char CNN, shape and subword features when configured. */
function inputFeatures(p: Params, cfg: ModelConfig, batch: Batch): tf.Tensor2D {
  const N = batch.words.length;
  const parts = [wordVectors(p, cfg, batch), embeddingLookup(mat(p, 'emb.pos'), batch.pos)]; // [N, wordDim], [N, posDim]
  if (cfg.charDim > 0) parts.push(charFeatures(p, batch)); // [N, charFilters]
  if (cfg.shapeFeatures) {
    if (!batch.shape) throw new Error('the model reads word shapes: the batch has none');
    parts.push(tf.tensor2d(batch.shape, [N, SHAPE_SIZE])); // [N, S]
  }
  if (cfg.subwordEncoder !== 'none') {
    if (!batch.subword) throw new Error(`the model reads subword features (${cfg.subwordEncoder}): the batch has none`);
    parts.push(tf.tensor2d(batch.subword, [N, SUBWORD_DIM])); // [N, 512], frozen
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
  const window = new Int32Array(U * L * CHAR_WIDTH); // ids of each window's slots, [U*L, w]
  const inWord = new Float32Array(U * L); // 1 where a window is centred on a real character
  for (let u = 0; u < U; u++)
    for (let c = 0; c < L; c++) {
      inWord[u * L + c] = batch.chars[u * MAX_CHARS + c] ? 1 : 0;
      for (let k = 0; k < CHAR_WIDTH; k++) {
        const at = c + k - half;
        if (at >= 0 && at < L) window[(u * L + c) * CHAR_WIDTH + k] = batch.chars[u * MAX_CHARS + at];
      }
    }
  // One lookup for every slot of every window, then each window's slots side by side.
  const win = tf.reshape(embeddingLookup(mat(p, 'emb.char'), window, true), [U * L, -1]) as tf.Tensor2D; // [U*L, w*c]
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
