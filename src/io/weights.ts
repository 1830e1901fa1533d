/** Named float32 tensors ↔ one binary blob plus a JSON manifest. */
import type * as tf from '@tensorflow/tfjs';

export interface WeightSpec {
  name: string;
  shape: number[];
  /** Offset in float32 elements. */
  offset: number;
}

export function packWeights(named: { name: string; tensor: tf.Tensor }[]): { manifest: WeightSpec[]; data: Uint8Array } {
  const manifest: WeightSpec[] = [];
  let total = 0;
  for (const { name, tensor } of named) {
    manifest.push({ name, shape: tensor.shape, offset: total });
    total += tensor.size;
  }
  const buf = new Float32Array(total);
  named.forEach(({ tensor }, k) => buf.set(tensor.dataSync() as Float32Array, manifest[k].offset));
  return { manifest, data: new Uint8Array(buf.buffer) };
}

export interface UnpackChecks {
  /** The blob holds exactly the manifest's values, nothing after them. */
  exact?: boolean;
  /** Every value is finite (a diverged run saves NaN, which would predict nothing). */
  finite?: boolean;
}

/** Unpack into plain arrays; throws with a precise message when the blob does not fit the manifest. */
export function unpackWeights(manifest: WeightSpec[], bytes: Uint8Array, what: string, checks: UnpackChecks = {}): Map<string, { shape: number[]; values: Float32Array }> {
  if (bytes.byteLength % 4) throw new Error(`${what}: size ${bytes.byteLength} is not a whole number of float32 values`);
  const all = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  const out = new Map<string, { shape: number[]; values: Float32Array }>();
  let needed = 0;
  for (const w of manifest) {
    const size = w.shape.reduce((a, b) => a * b, 1);
    if (w.offset + size > all.length) throw new Error(`${what}: "${w.name}" needs values up to ${w.offset + size}, the file has ${all.length}`);
    const values = all.subarray(w.offset, w.offset + size);
    if (checks.finite && !values.every(Number.isFinite)) throw new Error(`${what}: "${w.name}" holds NaN or infinite values (a diverged training run?)`);
    out.set(w.name, { shape: w.shape, values });
    needed = Math.max(needed, w.offset + size);
  }
  if (checks.exact && needed !== all.length) throw new Error(`${what} has ${bytes.byteLength} bytes, the manifest needs ${4 * needed}`);
  return out;
}
