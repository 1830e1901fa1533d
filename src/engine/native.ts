/**
 * The native addon's kernels for the wasm backend (engine/addon.ts loads it): BatchMatMul,
 * _FusedMatMul and Sum over rows on the BLAS, reading and writing the tensors' memory in the wasm
 * heap in place, and Adam's update of a parameter there.
 */
import * as tf from '@tensorflow/tfjs';
import { type Addon, loadNative } from './addon.ts';
import type { WasmBackendLike } from './kernels.ts';

/**
 * op(a) · op(b) for rank 2 or 3 (batch dims equal, or one of them 1), with an optional bias [N]
 * and ReLU; undefined when the shapes or dtypes are outside that, so the caller falls back.
 */
function product(n: Addon, backend: WasmBackendLike, a: tf.TensorInfo, b: tf.TensorInfo, ta: boolean, tb: boolean, bias: tf.TensorInfo | undefined, act: number): tf.TensorInfo | undefined {
  const ra = a.shape.length;
  if (ra !== b.shape.length || ra < 2 || ra > 3 || a.dtype !== 'float32' || b.dtype !== 'float32') return undefined;
  const [bA, bB] = ra === 3 ? [a.shape[0], b.shape[0]] : [1, 1];
  if (bA !== bB && bA !== 1 && bB !== 1) return undefined;
  const M = ta ? a.shape[ra - 1] : a.shape[ra - 2];
  const K = ta ? a.shape[ra - 2] : a.shape[ra - 1];
  const N = tb ? b.shape[ra - 2] : b.shape[ra - 1];
  if ((tb ? b.shape[ra - 1] : b.shape[ra - 2]) !== K) return undefined;
  // A bias of shape [N] or [1, N] (one per column); any other broadcast goes to the stock kernel.
  if (bias && (bias.dtype !== 'float32' || bias.shape.at(-1) !== N || bias.shape.some((d, i) => i < bias.shape.length - 1 && d !== 1))) return undefined;
  const batch = Math.max(bA, bB);
  const out = backend.makeOutput(ra === 3 ? [batch, M, N] : [M, N], 'float32');
  // Views after makeOutput: growing the heap detaches older views.
  const av = backend.typedArrayFromHeap(a) as Float32Array;
  const bv = backend.typedArrayFromHeap(b) as Float32Array;
  const ov = backend.typedArrayFromHeap(out) as Float32Array;
  const biasV = bias ? (backend.typedArrayFromHeap(bias) as Float32Array) : null;
  for (let i = 0; i < batch; i++) {
    const A = bA === 1 ? av : av.subarray(i * M * K, (i + 1) * M * K);
    const B = bB === 1 ? bv : bv.subarray(i * K * N, (i + 1) * K * N);
    n.sgemm(ta, tb, M, N, K, A, B, ov.subarray(i * M * N, (i + 1) * M * N), biasV, act);
  }
  return out;
}

/**
 * One Adam update of a parameter in the wasm heap: moments in place (only the optimiser holds
 * them), the parameter into new memory (a tensor may share its old data). False when there is no
 * native addon or the backend is not wasm; the caller then runs its own loop.
 */
export function nativeAdam(p: tf.Variable, m: tf.Variable, v: tf.Variable, g: Float32Array, k: Float32Array): boolean {
  const n = loadNative();
  if (!n || tf.getBackend() !== 'wasm') return false;
  const backend = tf.backend() as unknown as WasmBackendLike;
  const out = tf.zeros(p.shape);
  const view = (t: tf.TensorInfo) => backend.typedArrayFromHeap(t) as Float32Array; // after the allocation
  n.adam(view(p), view(m), view(v), g, view(out), k);
  p.assign(out);
  out.dispose();
  return true;
}

let registered = false;

/**
 * BatchMatMul, _FusedMatMul (bias, linear or ReLU) and Sum over rows on the BLAS, for the wasm
 * backend; the previous kernels serve what these do not. Autograd's gradients of both are BatchMatMuls with
 * transposes, which the BLAS takes as flags (no transposed copies).
 */
export function registerNativeKernels(): void {
  if (!loadNative() || registered || tf.getBackend() !== 'wasm') return;
  registered = true;
  const mm = tf.getKernel('BatchMatMul', 'wasm')!;
  tf.unregisterKernel('BatchMatMul', 'wasm');
  tf.registerKernel({
    ...mm,
    kernelFunc: (args) => {
      const { inputs, attrs = {}, backend } = args;
      const n = loadNative();
      const out = n && product(n, backend as unknown as WasmBackendLike, inputs.a as tf.TensorInfo, inputs.b as tf.TensorInfo, !!attrs.transposeA, !!attrs.transposeB, undefined, 0);
      return out ?? mm.kernelFunc(args);
    },
  });
  const fused = tf.getKernel('_FusedMatMul', 'wasm')!;
  tf.unregisterKernel('_FusedMatMul', 'wasm');
  tf.registerKernel({
    ...fused,
    kernelFunc: (args) => {
      const { inputs, attrs = {}, backend } = args;
      const act = attrs.activation === 'relu' ? 1 : attrs.activation === 'linear' || attrs.activation === undefined ? 0 : -1;
      const n = loadNative();
      const out =
        n && act >= 0 && !inputs.preluActivationWeights
          ? product(
              n,
              backend as unknown as WasmBackendLike,
              inputs.a as tf.TensorInfo,
              inputs.b as tf.TensorInfo,
              !!attrs.transposeA,
              !!attrs.transposeB,
              inputs.bias as tf.TensorInfo | undefined,
              act,
            )
          : undefined;
      return out ?? fused.kernelFunc(args);
    },
  });
  const sum = tf.getKernel('Sum', 'wasm')!;
  tf.unregisterKernel('Sum', 'wasm');
  tf.registerKernel({
    ...sum,
    kernelFunc: (args) => {
      const n = loadNative();
      const out = n && columnSums(n, args.backend as unknown as WasmBackendLike, args.inputs.x as tf.TensorInfo, args.attrs?.axis as number | number[], !!args.attrs?.keepDims);
      return out || sum.kernelFunc(args);
    },
  });
}

let ones = new Float32Array(0);

/**
 * Sum over the rows of a [M, N] matrix (every bias gradient) as ones[1, M] · x on the BLAS: the
 * wasm kernel transposes first and took ~0.6 ms for [2000, 100]. Undefined for other reductions.
 */
function columnSums(n: Addon, backend: WasmBackendLike, x: tf.TensorInfo, axis: number | number[], keepDims: boolean): tf.TensorInfo | undefined {
  const axes = Array.isArray(axis) ? axis : [axis];
  if (x.shape.length !== 2 || x.dtype !== 'float32' || axes.length !== 1 || (axes[0] !== 0 && axes[0] !== -2)) return undefined;
  const [M, N] = x.shape;
  if (ones.length < M) ones = new Float32Array(M).fill(1);
  const out = backend.makeOutput(keepDims ? [1, N] : [N], 'float32');
  n.sgemm(false, false, 1, N, M, ones, backend.typedArrayFromHeap(x) as Float32Array, backend.typedArrayFromHeap(out) as Float32Array, null, 0);
  return out;
}
