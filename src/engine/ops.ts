/**
 * Custom-gradient ops for the hot spots of RIN. Each has a finite-difference test
 * (test/ops.test.ts) against the plain tfjs formulation.
 *
 * Layout: the model is time-major, so per-position tensors are [n, B, ·] and
 * the flat index of (position i, sentence b) is i * B + b.
 */
import * as tf from '@tensorflow/tfjs';
import type { Cell } from '../core/types.ts';
import { custom } from './custom.ts';
import { loadNative } from './addon.ts';
import { takeZeroed, tensorFrom, view } from './scratch.ts';

/**
 * Embedding lookup rows = table[ids]. The wasm backend has no UnsortedSegmentSum, so
 * tf.gather's gradient fails there; ours scatter-adds dy into a dense [V, d] gradient in JS.
 * With `fixedRow0`, row 0 gets no gradient: a zero row stays zero under Adam, so id 0 can mean
 * "adds nothing" (padding, or an open-vocabulary word without a trained correction).
 */
export function embeddingLookup(table: tf.Tensor2D, ids: Int32Array, fixedRow0 = false): tf.Tensor2D {
  const [V, d] = table.shape;
  const f = custom((t: tf.Tensor) => {
    const idx = tf.tensor1d(ids, 'int32');
    const value = tf.gather(t, idx) as tf.Tensor2D; // [N, d]
    idx.dispose();
    return {
      value,
      gradFunc: (dy: tf.Tensor) => {
        const g = dy.dataSync(); // [N, d]
        const out = new Float32Array(V * d);
        for (let r = 0; r < ids.length; r++) {
          if (fixedRow0 && ids[r] === 0) continue;
          const o = ids[r] * d;
          const s = r * d;
          for (let k = 0; k < d; k++) out[o + k] += g[s + k];
        }
        return tf.tensor2d(out, [V, d]);
      },
    };
  });
  return f(table) as tf.Tensor2D;
}

/** Score given to a word that has no candidate object (a one-word sentence): sigmoid(-30) ≈ 0. */
export const NO_OBJECT = -30;

/**
 * Eq. 1 made cheap by separability. With logit[i,t,j] = a[i,t] + c[j,t] + b[t],
 *   max_{j≠i} p(<w_i, t, w_j>) = sigmoid(a[i,t] + b[t] + max_{j≠i} c[j,t]),
 * so only the max of c over the other real words j is needed: no [n, n, l] tensor.
 * Returns m[i, b, t] = max_{j≠i, j<len_b} c[j, b, t]; the gradient goes to the argmax.
 * With `selfPairs` the max runs over every real j, i included.
 */
export function maxOverOtherWords(c: tf.Tensor3D, lengths: number[], selfPairs = false): tf.Tensor3D {
  const [n, B, l] = c.shape;
  const f = custom((ct: tf.Tensor) => {
    const cv = ct.dataSync(); // [n, B, l]
    const out = new Float32Array(n * B * l);
    const arg = new Int32Array(n * B * l).fill(-1);
    for (let b = 0; b < B; b++) {
      const len = lengths[b];
      for (let t = 0; t < l; t++) {
        let v1 = -Infinity,
          i1 = -1,
          v2 = -Infinity,
          i2 = -1;
        for (let j = 0; j < len; j++) {
          const v = cv[(j * B + b) * l + t];
          if (v > v1) {
            v2 = v1;
            i2 = i1;
            v1 = v;
            i1 = j;
          } else if (v > v2) {
            v2 = v;
            i2 = j;
          }
        }
        for (let i = 0; i < n; i++) {
          const j = i === i1 && !selfPairs ? i2 : i1;
          const o = (i * B + b) * l + t;
          out[o] = j < 0 ? NO_OBJECT : j === i1 ? v1 : v2;
          arg[o] = j;
        }
      }
    }
    return {
      value: tf.tensor3d(out, [n, B, l]),
      gradFunc: (dy: tf.Tensor) => {
        const g = dy.dataSync();
        const dc = new Float32Array(n * B * l);
        for (let i = 0; i < n; i++)
          for (let b = 0; b < B; b++)
            for (let t = 0; t < l; t++) {
              const o = (i * B + b) * l + t;
              const j = arg[o];
              if (j >= 0) dc[(j * B + b) * l + t] += g[o];
            }
        return tf.tensor3d(dc, [n, B, l]);
      },
    };
  });
  return f(c) as tf.Tensor3D;
}

/**
 * Eq. 13-14 for the RE part: binary cross-entropy summed over every cell (i, t, j) with
 * i ≠ j (any i, j with `selfPairs`) and both real words, then divided by B (the mean over sentences of the per-sentence sum).
 * With logits x = a[i,t] + c[j,t] + b[t]: BCE = softplus(x) - y·x. The sum over cells is computed
 * in one pass (bceCells, or the native addon's) with its gradient, never materialising the [n, n, l] tensor.
 */
export function separableBce(
  a: tf.Tensor3D, // [n, B, l]
  c: tf.Tensor3D, // [n, B, l]
  bias: tf.Tensor1D, // [l]
  lengths: number[],
  gold: Cell[][], // per sentence
  selfPairs = false,
): tf.Scalar {
  const [n, B, l] = a.shape;
  const f = custom((at: tf.Tensor, ct: tf.Tensor, bt: tf.Tensor) => {
    const ga = takeZeroed(n * B * l); // [n, B, l]
    const gc = takeZeroed(n * B * l); // [n, B, l]
    // Views of the wasm heap: read below before anything allocates on the backend.
    const [av, cv, bv] = [view(at), view(ct), view(bt)];
    const native = loadNative();
    const args = [av, cv, bv, Int32Array.from(lengths), n, B, l, selfPairs, ga, gc] as const;
    let loss = native ? native.bce(...args) : bceCells(...args); // Σ softplus over the cells; Σ sigmoid into ga, gc
    for (let b = 0; b < B; b++) {
      const len = lengths[b];
      const seen = new Set<number>();
      for (const { i, t, j } of gold[b]) {
        const key = (i * n + j) * l + t;
        if (seen.has(key) || (i === j && !selfPairs) || i >= len || j >= len) continue;
        seen.add(key);
        const ai = (i * B + b) * l + t;
        const cj = (j * B + b) * l + t;
        loss -= av[ai] + cv[cj] + bv[t];
        ga[ai] -= 1;
        gc[cj] -= 1;
      }
    }
    return {
      value: tf.scalar(loss / B),
      gradFunc: (dy: tf.Tensor) => {
        const s = dy.dataSync()[0] / B;
        const gbias = new Float32Array(l);
        // Every cell contributes sigmoid(x) to a[i], c[j] and bias[t] alike, so
        // sum over cells of (s - y) per t equals the sum over i of ga[i, b, t].
        for (let q = 0; q < n * B; q++) for (let t = 0; t < l; t++) gbias[t] += ga[q * l + t];
        const scaled = (arr: Float32Array) => {
          for (let k = 0; k < arr.length; k++) arr[k] *= s;
          return tensorFrom(arr, [n, B, l]); // ga and gc go back to the pool on wasm
        };
        for (let t = 0; t < l; t++) gbias[t] *= s;
        return [scaled(ga), scaled(gc), tf.tensor1d(gbias)];
      },
    };
  });
  return f(a, c, bias) as tf.Scalar;
}

/**
 * Σ softplus(x) over the cells of separableBce, adding sigmoid(x) into ga (per subject word) and
 * gc (per object word); the native addon's bce() is the same loop in C.
 */
function bceCells(av: Float32Array, cv: Float32Array, bv: Float32Array, lengths: Int32Array, n: number, B: number, l: number, selfPairs: boolean, ga: Float32Array, gc: Float32Array): number {
  let loss = 0;
  // exp(x) = exp(a[i,t]) · exp(c[j,t] + b[t]): n·l exps per sentence instead of one per cell.
  // Products of two factors within e^±300 stay finite and normal in float64; outside, the
  // factor is NaN and the cell takes the exact path.
  const expOf = (x: number) => (Math.abs(x) <= 300 ? Math.exp(x) : Number.NaN);
  const ea = new Float64Array(n * B * l);
  for (let k = 0; k < ea.length; k++) ea[k] = expOf(av[k]);
  const bj = new Float32Array(l); // c[j, b, :] + bias, reused
  const eb = new Float64Array(l); // exp of bj
  for (let b = 0; b < B; b++) {
    const len = lengths[b];
    for (let j = 0; j < len; j++) {
      const cj = (j * B + b) * l;
      for (let t = 0; t < l; t++) {
        bj[t] = cv[cj + t] + bv[t];
        eb[t] = expOf(bj[t]);
      }
      for (let i = 0; i < len; i++) {
        if (i === j && !selfPairs) continue;
        const ai = (i * B + b) * l;
        for (let t = 0; t < l; t++) {
          // softplus(x) and sigmoid(x) from E = exp(x). Most cells are far negative once
          // training is under way (E tiny): there series replace log1p and the division
          // (errors below 1e-12).
          const E = ea[ai + t] * eb[t];
          let sp: number;
          let sg: number;
          if (E < 1e-4) {
            sp = E * (1 - E * (0.5 - E / 3));
            sg = E * (1 - E * (1 - E));
          } else if (E <= 1) {
            sp = Math.log1p(E);
            sg = E / (1 + E);
          } else {
            // x > 0, or a factor out of range (NaN): from x itself, with e = exp(-|x|) ≤ 1.
            const x = av[ai + t] + bj[t];
            const e = Math.exp(x < 0 ? x : -x);
            const inv = 1 / (1 + e);
            sg = x >= 0 ? inv : e * inv;
            sp = Math.max(x, 0) + Math.log1p(e);
          }
          loss += sp;
          ga[ai + t] += sg;
          gc[cj + t] += sg;
        }
      }
    }
  }
  return loss;
}

/**
 * Eq. 12: −Σ log softmax(logits)[gold] over the real positions, divided by B, in one JS pass with
 * its gradient (softmax − one-hot, masked, / B): as tfjs ops it was seven kernels forward and
 * about twelve backward for a [n*B, T] tensor.
 */
export function maskedCrossEntropy(logits: tf.Tensor2D, gold: Int32Array, mask: Float32Array, B: number): tf.Scalar {
  const [N, T] = logits.shape;
  const f = custom((lt: tf.Tensor) => {
    const v = lt.dataSync();
    const grad = new Float32Array(N * T); // softmax − one-hot on real rows
    let loss = 0;
    for (let r = 0; r < N; r++) {
      if (!mask[r]) continue;
      let max = -Infinity;
      for (let t = 0; t < T; t++) max = Math.max(max, v[r * T + t]);
      let sum = 0;
      for (let t = 0; t < T; t++) sum += grad[r * T + t] = Math.exp(v[r * T + t] - max);
      loss -= v[r * T + gold[r]] - max - Math.log(sum);
      for (let t = 0; t < T; t++) grad[r * T + t] /= sum;
      grad[r * T + gold[r]] -= 1;
    }
    return {
      value: tf.scalar(loss / B),
      gradFunc: (dy: tf.Tensor) => {
        const s = dy.dataSync()[0] / B;
        for (let k = 0; k < grad.length; k++) grad[k] *= s;
        return tf.tensor2d(grad, [N, T]);
      },
    };
  });
  return f(logits) as tf.Scalar;
}

let consts: { one: tf.Scalar; two: tf.Scalar } | undefined;

/** Scalars 1 and 2 made once: a number operand would create (and cast) a tensor on every call. */
export function constants(): { one: tf.Scalar; two: tf.Scalar } {
  consts ??= { one: tf.keep(tf.scalar(1)), two: tf.keep(tf.scalar(2)) };
  return consts;
}

/**
 * tanh. For large tensors it goes through the vectorised sigmoid kernel, tanh(x) = 2σ(2x) − 1:
 * wasm's Tanh kernel is scalar and ~10x slower on a [2000, 100] tensor (same result to 2e-7).
 */
export function tanh(x: tf.Tensor): tf.Tensor {
  if (x.size < 20000) return tf.tanh(x);
  const { one, two } = constants();
  return tf.sub(tf.mul(tf.sigmoid(tf.mul(x, two)), two), one);
}
