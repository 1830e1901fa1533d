/**
 * The optional native addon (native/rin_native.c): matrix products on the machine's OpenBLAS and
 * the model's heaviest loops (BiLSTM, GRU, RE loss, Adam) in C. tfjs-wasm's XNNPACK matmul reaches
 * ~17 GFLOP/s a core here, OpenBLAS ~100 (AVX-512), and a training step is mostly matmuls and
 * kernel overhead (docs/performance.md).
 *
 * The addon is built at install (native/build.mjs, node-gyp) and finds a BLAS at run time; when
 * either is missing, or RIN_NATIVE=0, rin runs on wasm and JavaScript alone with the same results
 * up to float rounding (and the gates' exp, within 2 ulp of expf). The matmul kernels and Adam
 * apply on the wasm backend; the LSTM, GRU and loss ops on any. This file loads the addon without
 * tfjs, so `rin --version` can report it quickly.
 */
import { createRequire } from 'node:module';

export interface Addon {
  /** Opens a BLAS; its file name, or null when none was found. */
  init(): string | null;
  /** C[M,N] = op(A)·op(B) (+ bias[N]) (ReLU when act is 1), row-major. */
  sgemm(transA: boolean, transB: boolean, M: number, N: number, K: number, A: Float32Array, B: Float32Array, C: Float32Array, bias: Float32Array | null, act: number): void;
  /** One Adam update (train/adam.ts has the constants k); m, v in place, the new parameter into out. */
  adam(p: Float32Array, m: Float32Array, v: Float32Array, g: Float32Array, out: Float32Array, k: Float32Array): void;
  /** Eq. 4-7 (engine/gru.ts): fills hx, ux, z, u, c for the backward and the new state into out. */
  gruForward(
    h: Float32Array,
    x: Float32Array,
    Wz: Float32Array,
    Wu: Float32Array,
    Wo: Float32Array,
    N: number,
    d: number,
    dx: number,
    hx: Float32Array,
    ux: Float32Array,
    z: Float32Array,
    u: Float32Array,
    c: Float32Array,
    out: Float32Array,
  ): void;
  gruBackward(
    dy: Float32Array,
    Wz: Float32Array,
    Wu: Float32Array,
    Wo: Float32Array,
    N: number,
    d: number,
    dx: number,
    hx: Float32Array,
    ux: Float32Array,
    z: Float32Array,
    u: Float32Array,
    c: Float32Array,
    dh: Float32Array,
    dxOut: Float32Array,
    dWz: Float32Array,
    dWu: Float32Array,
    dWo: Float32Array,
  ): void;
  /** Both LSTM directions (engine/biLstm.ts); the saved arrays for the backward are filled. */
  lstmForward(
    xf: Float32Array,
    xb: Float32Array,
    Uf: Float32Array,
    Ub: Float32Array,
    mask: Float32Array,
    n: number,
    B: number,
    h: number,
    gates: Float32Array,
    c: Float32Array,
    tc: Float32Array,
    hs: Float32Array,
    keep: Float32Array,
    H: Float32Array,
  ): void;
  lstmBackward(
    dH: Float32Array,
    Uf: Float32Array,
    Ub: Float32Array,
    n: number,
    B: number,
    h: number,
    gates: Float32Array,
    c: Float32Array,
    tc: Float32Array,
    hs: Float32Array,
    keep: Float32Array,
    dxf: Float32Array,
    dxb: Float32Array,
    dUf: Float32Array,
    dUb: Float32Array,
  ): void;
  /** Eq. 13 without the gold cells (engine/ops.ts separableBce): Σ softplus; Σ sigmoid added into ga, gc. */
  bce(a: Float32Array, c: Float32Array, bias: Float32Array, lengths: Int32Array, n: number, B: number, l: number, selfPairs: boolean, ga: Float32Array, gc: Float32Array): number;
}

/** What native acceleration this process has: the BLAS file, or why there is none. */
export interface NativeStatus {
  blas: string | null;
  reason?: string;
}

let addon: Addon | null | undefined;
let status: NativeStatus = { blas: null, reason: 'not loaded yet' };
let disabled = false;

/** Tests: run the wasm / JavaScript paths (false), or the native ones again (true). */
export function setNativeEnabled(on: boolean): void {
  disabled = !on;
}

/** The addon with a BLAS, or null (loaded once per process; RIN_NATIVE=0 turns it off). */
export function loadNative(): Addon | null {
  if (disabled) return null;
  if (addon !== undefined) return addon;
  addon = null;
  if (process.env.RIN_NATIVE === '0') {
    status = { blas: null, reason: 'RIN_NATIVE=0' };
    return addon;
  }
  try {
    // src/engine and dist/engine are both two folders below the package root.
    const m = createRequire(import.meta.url)('../../native/build/Release/rin_native.node') as Addon;
    const blas = m.init();
    if (blas) addon = m;
    status = blas ? { blas } : { blas: null, reason: 'no BLAS library found (Debian: apt-get install libopenblas0)' };
  } catch (e) {
    status = { blas: null, reason: `native addon not built (${(e as Error).message.split('\n')[0]}); npm rebuild rin builds it` };
  }
  return addon;
}

export function nativeStatus(): NativeStatus {
  loadNative();
  return status;
}
