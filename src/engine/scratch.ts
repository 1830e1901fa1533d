/**
 * Scratch arrays for the native ops (gru.ts, biLstm.ts, ops.ts separableBce), reused instead of
 * allocated per call. A training step otherwise allocates ~100 MB of short-lived ArrayBuffers,
 * and V8 answers with two full collections a step, whose concurrent marking takes a core's time
 * away from a second training thread.
 *
 * Arrays are pooled by size class (the next power of two): batches differ in length, so exact
 * sizes would rarely come back. `take(n)` hands out n floats (a view of a pooled buffer) with
 * undefined contents; `give` returns it once nothing reads it any more. Arrays a tensor owns are
 * never pooled: on the wasm backend a tensor copies its values into the wasm heap, on others it
 * may keep the array itself (tensorFrom).
 */
import * as tf from '@tensorflow/tfjs';
import type { WasmBackendLike } from './kernels.ts';

const free = new Map<number, Float32Array[]>(); // size class → whole buffers
let pooledBytes = 0;
/** Beyond this the pool lets buffers go to the garbage collector (a peak, not a leak). */
const MAX_POOLED_BYTES = 128 * 2 ** 20;

const sizeClass = (n: number) => (n <= 64 ? 64 : 2 ** Math.ceil(Math.log2(n)));

export function take(n: number): Float32Array {
  const c = sizeClass(n);
  const whole = free.get(c)?.pop();
  if (whole) pooledBytes -= whole.byteLength;
  return (whole ?? new Float32Array(c)).subarray(0, n);
}

export function takeZeroed(n: number): Float32Array {
  return take(n).fill(0);
}

/** Back to the pool: only arrays `take` made (a whole power-of-two buffer), each once. */
export function give(...arrays: Float32Array[]): void {
  for (const a of arrays) {
    const whole = new Float32Array(a.buffer);
    const c = whole.length;
    if (a.byteOffset !== 0 || c !== sizeClass(c) || pooledBytes + whole.byteLength > MAX_POOLED_BYTES) continue;
    const list = free.get(c) ?? [];
    if (list.some((b) => b.buffer === a.buffer)) continue; // given twice: keep one
    list.push(whole);
    free.set(c, list);
    pooledBytes += whole.byteLength;
  }
}

const onWasm = () => tf.getBackend() === 'wasm';

/**
 * A tensor's float32 values without a copy: on wasm a view of its memory in the wasm heap, valid
 * only until the backend allocates again (read it, or hand it to native code, at once); else its
 * dataSync() array. Never write into it.
 */
export function view(t: tf.Tensor): Float32Array {
  if (onWasm() && t.dtype === 'float32') return (tf.backend() as unknown as WasmBackendLike).typedArrayFromHeap(t) as Float32Array;
  return t.dataSync() as Float32Array;
}

/** A pooled copy of a tensor's values (for a backward pass: views do not last). */
export function copyOf(t: tf.Tensor): Float32Array {
  const out = take(t.size);
  out.set(view(t));
  return out;
}

/** A tensor of these values; on wasm the array goes back to the pool (the tensor holds a copy). */
export function tensorFrom(values: Float32Array, shape: number[]): tf.Tensor {
  const t = tf.tensor(values, shape, 'float32');
  if (onWasm()) give(values);
  return t;
}
