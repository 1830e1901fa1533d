/**
 * Scratch arrays for the native ops (gru.ts, biLstm.ts, ops.ts separableBce), reused instead of
 * allocated per call. A training step otherwise allocates ~100 MB of short-lived ArrayBuffers,
 * and V8 answers with two full collections a step, whose concurrent marking takes a core's time
 * away from a second training thread (measured: a third of all CPU at the NYT-like shape).
 *
 * `take` hands out an array of exactly n floats with undefined contents; `give` returns it once
 * nothing reads it any more. Arrays a tensor owns are never pooled: on the wasm backend a tensor
 * copies its values into the wasm heap, on others it may keep the array itself (tensorFrom).
 */
import * as tf from '@tensorflow/tfjs';

const free = new Map<number, Float32Array[]>();
let pooledBytes = 0;
/** Beyond this the pool lets arrays go to the garbage collector (a peak, not a leak). */
const MAX_POOLED_BYTES = 512 * 2 ** 20;

export function take(n: number): Float32Array {
  const a = free.get(n)?.pop();
  if (!a) return new Float32Array(n);
  pooledBytes -= a.byteLength;
  return a;
}

export function takeZeroed(n: number): Float32Array {
  return take(n).fill(0);
}

export function give(...arrays: Float32Array[]): void {
  for (const a of arrays) {
    if (pooledBytes + a.byteLength > MAX_POOLED_BYTES || a.byteOffset !== 0 || a.length !== a.buffer.byteLength / 4) continue;
    const list = free.get(a.length);
    if (list) list.push(a);
    else free.set(a.length, [a]);
    pooledBytes += a.byteLength;
  }
}

/* The wasm backend's internals that we use (not part of its typed public API). */
interface WasmBackendLike {
  typedArrayFromHeap(t: tf.TensorInfo): Float32Array | Int32Array | Uint8Array;
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
