/**
 * Both LSTM directions as ONE custom op with a hand-written backward through time.
 *
 * Recorded as autograd ops, the 40 steps of a sentence cost ~12 kernels each forward and ~25
 * backward, and on wasm every kernel has tens of µs of overhead whatever its size. Here each step
 * is one matmul for both directions ([B, 2h] · the block-diagonal [2h, 8h]) plus the gate
 * arithmetic in typed-array loops (measured faster on wasm than the same arithmetic as kernels,
 * docs/model.md "Engine notes"); the backward is one matmul per step for the recurrence, then the
 * recurrent-weight gradient of ALL steps in one matmul, dU = H_prevᵀ · dGates. With the native
 * addon the same loops and matmuls run in C (native/rin_native.c lstmForward, lstmBackward).
 *
 * Gate columns per direction are [i | f | g | o], each h wide (the layout of lstm.*.W and lstm.*.U).
 * The backward direction reads its input in reversed time; padding sits at the end of a sentence
 * and the backward direction reads it first, so its state is multiplied by the mask (kept zero
 * until the real words start). The forward direction is never masked: later layers ignore padding.
 */
import * as tf from '@tensorflow/tfjs';
import { custom } from './custom.ts';
import { matMulHost } from './matmul.ts';
import { type Addon, loadNative } from './addon.ts';
import { copyOf, give, take, tensorFrom, view } from './scratch.ts';

/** What the forward keeps for the backward, all step-major: step s of direction d at (d * n + s). */
interface Saved {
  n: number;
  B: number;
  h: number;
  /** Activated gates i, f, g, o, [2, n, B, 4h]. */
  gates: Float32Array;
  /** Cell states, [2, n, B, h]. */
  c: Float32Array;
  /** tanh of the cell states, [2, n, B, h]. */
  tc: Float32Array;
  /** Hidden states, [2, n, B, h]. */
  hs: Float32Array;
  /** 1, or the mask for the backward direction, [2, n, B]. */
  keep: Float32Array;
}

/** Time of step s in direction d. */
const timeOf = (d: number, s: number, n: number) => (d === 0 ? s : n - 1 - s);

/**
 * xFw, xBw: each direction's input projection x·W + b, in time order, [n*B, 4h].
 * uFw, uBw: recurrent weights [h, 4h]. mask: [n*B], 1 for real words.
 * Returns H [n*B, 2h] = [h_fw | h_bw] in time order.
 */
export function biLstm(xFw: tf.Tensor2D, xBw: tf.Tensor2D, uFw: tf.Tensor2D, uBw: tf.Tensor2D, mask: Float32Array, n: number): tf.Tensor2D {
  const native = loadNative();
  if (native) return nativeBiLstm(native, xFw, xBw, uFw, uBw, mask, n);
  const f = custom((xf: tf.Tensor, xb: tf.Tensor, uf: tf.Tensor, ub: tf.Tensor) => {
    const U = blockDiagonal(uf, ub); // [2h, 8h]
    const saved = runForward(xf.dataSync() as Float32Array, xb.dataSync() as Float32Array, U, uf.shape[0], mask, n);
    U.dispose();
    return {
      value: tf.tensor2d(outputH(saved), [n * saved.B, 2 * saved.h]),
      gradFunc: (dy: tf.Tensor) => backward(saved, dy.dataSync() as Float32Array, uf, ub),
    };
  });
  return f(xFw, xBw, uFw, uBw) as tf.Tensor2D;
}

/** The same op with its loops and matmuls in the native addon (native/rin_native.c lstmForward). */
function nativeBiLstm(native: Addon, xFw: tf.Tensor2D, xBw: tf.Tensor2D, uFw: tf.Tensor2D, uBw: tf.Tensor2D, mask: Float32Array, n: number): tf.Tensor2D {
  const f = custom((xf: tf.Tensor, xb: tf.Tensor, uf: tf.Tensor, ub: tf.Tensor) => {
    const [h, G] = uf.shape as [number, number];
    const B = xf.shape[0] / n;
    const [ufv, ubv] = [copyOf(uf), copyOf(ub)]; // [h, 4h] each, kept for the backward
    const gates = take(2 * n * B * G); // [2, n, B, 4h]
    const [c, tc, hs] = [take(2 * n * B * h), take(2 * n * B * h), take(2 * n * B * h)]; // [2, n, B, h] each
    const keep = take(2 * n * B); // [2, n, B]
    const H = take(n * B * 2 * h); // [n*B, 2h]
    const [xfv, xbv] = [view(xf), view(xb)]; // heap views: read at once, no allocation before the call
    native.lstmForward(xfv, xbv, ufv, ubv, mask, n, B, h, gates, c, tc, hs, keep, H);
    return {
      value: tensorFrom(H, [n * B, 2 * h]), // [n*B, 2h]
      gradFunc: (dy: tf.Tensor) => {
        const [dxf, dxb] = [take(n * B * G), take(n * B * G)]; // [n*B, 4h] each
        const [dUf, dUb] = [take(h * G), take(h * G)]; // [h, 4h] each
        native.lstmBackward(view(dy), ufv, ubv, n, B, h, gates, c, tc, hs, keep, dxf, dxb, dUf, dUb);
        give(ufv, ubv, gates, c, tc, hs, keep);
        return [tensorFrom(dxf, [n * B, G]), tensorFrom(dxb, [n * B, G]), tensorFrom(dUf, [h, G]), tensorFrom(dUb, [h, G])];
      },
    };
  });
  return f(xFw, xBw, uFw, uBw) as tf.Tensor2D;
}

/**
 * [[uFw, 0], [0, uBw]], so one plain 2-D matmul serves both directions: on wasm a batched
 * [2, B, h] · [2, h, 4h] matmul was ~4x slower than this one with its zero blocks.
 */
function blockDiagonal(uf: tf.Tensor, ub: tf.Tensor): tf.Tensor2D {
  return tf.tidy(() => {
    const z = tf.zerosLike(uf); // [h, 4h]
    return tf.concat([tf.concat([uf, z], 1), tf.concat([z, ub], 1)], 0) as tf.Tensor2D; // [2h, 8h]
  });
}

function runForward(xf: Float32Array, xb: Float32Array, U: tf.Tensor2D, h: number, mask: Float32Array, n: number): Saved {
  const G = 4 * h;
  const B = xf.length / (n * G);
  const s: Saved = {
    n,
    B,
    h,
    gates: new Float32Array(2 * n * B * G),
    c: new Float32Array(2 * n * B * h),
    tc: new Float32Array(2 * n * B * h),
    hs: new Float32Array(2 * n * B * h),
    keep: new Float32Array(2 * n * B),
  };
  const hPrev = new Float32Array(B * 2 * h); // [B, 2h] = [h_fw | h_bw]
  let rec: Float32Array = new Float32Array(B * 2 * G); // [B, 8h], zero at step 0
  for (let step = 0; step < n; step++) {
    if (step > 0) rec = matMulHost(hPrev, [B, 2 * h], U); // [B, 8h]
    for (let d = 0; d < 2; d++) {
      const t = timeOf(d, step, n);
      const at = d * n + step;
      for (let b = 0; b < B; b++) {
        const keep = d === 0 ? 1 : mask[t * B + b];
        s.keep[at * B + b] = keep;
        const so = (at * B + b) * h;
        // The previous step of this direction; step 0 starts from c = 0 (a zero row of tc serves).
        const cPrevO = step > 0 ? so - B * h : -1;
        cellForward(d === 0 ? xf : xb, (t * B + b) * G, rec, (b * 2 + d) * G, s, (at * B + b) * G, so, cPrevO, keep, hPrev, (b * 2 + d) * h);
      }
    }
  }
  return s;
}

/** tanh through exp (Math.tanh is the slower call in V8); exact at ±∞, absolute error ~1e-16. */
const tanh = (x: number) => 1 - 2 / (Math.exp(2 * x) + 1);

/** One sentence's cell in one direction: gates, c, h, all saved; h also into hPrev for the next matmul. */
function cellForward(x: Float32Array, xo: number, rec: Float32Array, ro: number, s: Saved, go: number, so: number, cPrevO: number, keep: number, hPrev: Float32Array, ho: number): void {
  const { h, gates, c, tc, hs } = s;
  for (let k = 0; k < h; k++) {
    const i = 1 / (1 + Math.exp(-(x[xo + k] + rec[ro + k])));
    const f = 1 / (1 + Math.exp(-(x[xo + h + k] + rec[ro + h + k])));
    const g = tanh(x[xo + 2 * h + k] + rec[ro + 2 * h + k]);
    const o = 1 / (1 + Math.exp(-(x[xo + 3 * h + k] + rec[ro + 3 * h + k])));
    const cv = (f * (cPrevO >= 0 ? c[cPrevO + k] : 0) + i * g) * keep;
    const tcv = tanh(cv);
    const hv = o * tcv * keep;
    gates[go + k] = i;
    gates[go + h + k] = f;
    gates[go + 2 * h + k] = g;
    gates[go + 3 * h + k] = o;
    c[so + k] = cv;
    tc[so + k] = tcv;
    hs[so + k] = hv;
    hPrev[ho + k] = hv;
  }
}

/** H [n*B, 2h] in time order from the step-major states. */
function outputH({ n, B, h, hs }: Saved): Float32Array {
  const out = new Float32Array(n * B * 2 * h);
  for (let d = 0; d < 2; d++)
    for (let step = 0; step < n; step++) {
      const t = timeOf(d, step, n);
      for (let b = 0; b < B; b++) out.set(hs.subarray(((d * n + step) * B + b) * h, ((d * n + step) * B + b + 1) * h), (t * B + b) * 2 * h + d * h);
    }
  return out;
}

/** Back through time: gradients of xFw, xBw (time order), uFw, uBw. */
function backward(s: Saved, dH: Float32Array, uf: tf.Tensor, ub: tf.Tensor): tf.Tensor[] {
  const { n, B, h } = s;
  const G = 4 * h;
  const dGates = new Float32Array(2 * n * B * G); // pre-activation gradients, step-major
  const dhRec = new Float32Array(B * 2 * h); // from step s+1 through U, [B, 2h]
  const dcNext = new Float32Array(B * 2 * h); // from step s+1 through the forget gate, [B, 2h]
  const Ut = tf.tidy(() => tf.transpose(blockDiagonal(uf, ub))) as tf.Tensor2D; // [8h, 2h]
  for (let step = n - 1; step >= 0; step--) {
    for (let d = 0; d < 2; d++) {
      const t = timeOf(d, step, n);
      const at = d * n + step;
      for (let b = 0; b < B; b++) {
        const so = (at * B + b) * h;
        const cPrevO = step > 0 ? so - B * h : -1;
        cellBackward(s, (at * B + b) * G, so, cPrevO, s.keep[at * B + b], dH, (t * B + b) * 2 * h + d * h, dhRec, dcNext, (b * 2 + d) * h, dGates);
      }
    }
    if (step > 0) dhRec.set(recurrentBack(dGates, step, Ut, n, B));
  }
  const dU = weightGrad(s, dGates); // [2, h, 4h]
  Ut.dispose();
  return [
    tf.tensor2d(dGates.slice(0, n * B * G), [n * B, G]),
    tf.tensor2d(timeReversed(dGates.subarray(n * B * G), n, B * G), [n * B, G]),
    tf.tensor2d(dU.slice(0, h * G), [h, G]),
    tf.tensor2d(dU.slice(h * G), [h, G]),
  ];
}

/**
 * One sentence's cell in one direction, backward: dh (from H and from the next step through U)
 * and dc (from the next step through its forget gate) → the gate pre-activation gradients.
 */
function cellBackward(s: Saved, go: number, so: number, cPrevO: number, keep: number, dH: Float32Array, yo: number, dhRec: Float32Array, dcNext: Float32Array, ro: number, dGates: Float32Array): void {
  const { h, gates, c, tc } = s;
  for (let k = 0; k < h; k++) {
    const i = gates[go + k];
    const f = gates[go + h + k];
    const g = gates[go + 2 * h + k];
    const o = gates[go + 3 * h + k];
    const tcv = tc[so + k];
    const cPrev = cPrevO >= 0 ? c[cPrevO + k] : 0;
    const dh = (dH[yo + k] + dhRec[ro + k]) * keep; // through h = o·tanh(c)·keep
    const dc = (dcNext[ro + k] + dh * o * (1 - tcv * tcv)) * keep; // through c = c̃·keep
    dcNext[ro + k] = dc * f;
    dGates[go + k] = dc * g * i * (1 - i);
    dGates[go + h + k] = dc * cPrev * f * (1 - f);
    dGates[go + 2 * h + k] = dc * i * (1 - g * g);
    dGates[go + 3 * h + k] = dh * tcv * o * (1 - o);
  }
}

/** dGates of one step [B, 8h] · Uᵀ [8h, 2h] → the gradient of the previous h, [B, 2h]. */
function recurrentBack(dGates: Float32Array, step: number, Ut: tf.Tensor2D, n: number, B: number): Float32Array {
  const G = Ut.shape[0] / 2;
  const rows = new Float32Array(B * 2 * G); // [B, 8h]
  for (let d = 0; d < 2; d++) for (let b = 0; b < B; b++) rows.set(dGates.subarray(((d * n + step) * B + b) * G, ((d * n + step) * B + b + 1) * G), (b * 2 + d) * G);
  return matMulHost(rows, [B, 2 * G], Ut); // [B, 2h]
}

/**
 * dU = H_prevᵀ · dGates over all steps at once, one plain matmul per direction:
 * [h, n*B] · [n*B, 4h] → [h, 4h], returned as [2, h, 4h].
 */
function weightGrad({ n, B, h, hs }: Saved, dGates: Float32Array): Float32Array {
  const hPrevT = new Float32Array(2 * h * n * B); // [2, h, n*B]; step 0 reads the zero state
  for (let d = 0; d < 2; d++)
    for (let step = 1; step < n; step++)
      for (let b = 0; b < B; b++) {
        const src = ((d * n + step - 1) * B + b) * h;
        const col = step * B + b;
        for (let k = 0; k < h; k++) hPrevT[(d * h + k) * n * B + col] = hs[src + k];
      }
  const dU = new Float32Array(2 * h * 4 * h);
  for (let d = 0; d < 2; d++) {
    const dG = tf.tensor2d(dGates.subarray(d * n * B * 4 * h, (d + 1) * n * B * 4 * h), [n * B, 4 * h]); // [n*B, 4h]
    dU.set(matMulHost(hPrevT.subarray(d * h * n * B, (d + 1) * h * n * B), [h, n * B], dG), d * h * 4 * h); // [h, 4h]
    dG.dispose();
  }
  return dU;
}

/** Reverse the step axis of a step-major [n, rows] array (the backward direction back to time order). */
function timeReversed(v: Float32Array, n: number, row: number): Float32Array {
  const out = new Float32Array(v.length);
  for (let s = 0; s < n; s++) out.set(v.subarray(s * row, (s + 1) * row), (n - 1 - s) * row);
  return out;
}
