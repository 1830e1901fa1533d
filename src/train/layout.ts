/**
 * The parameters as one flat float32 array: where each sits, so replicas share weights and
 * gradients through a SharedArrayBuffer instead of copying messages.
 */
import { view } from '../engine/scratch.ts';
import type { Params } from '../model/params.ts';

export interface Layout {
  /** Parameter names in the model's order. */
  names: string[];
  shapes: number[][];
  /** Start of each parameter, in floats. */
  offsets: number[];
  sizes: number[];
  trainable: boolean[];
  /** Floats in all. */
  total: number;
}

export function layoutOf(params: Params): Layout {
  const l: Layout = { names: [], shapes: [], offsets: [], sizes: [], trainable: [], total: 0 };
  for (const [name, v] of params) {
    l.names.push(name);
    l.shapes.push(v.shape);
    l.offsets.push(l.total);
    l.sizes.push(v.size);
    l.trainable.push(v.trainable);
    l.total += v.size;
  }
  return l;
}

/** Parameter k of a flat array, as a view (no copy). */
export function slot(flat: Float32Array, l: Layout, k: number): Float32Array {
  return flat.subarray(l.offsets[k], l.offsets[k] + l.sizes[k]);
}

/** Write the parameters' values (all, or only the trainable ones) into `flat`. */
export function writeParams(params: Params, l: Layout, flat: Float32Array, onlyTrainable: boolean): void {
  l.names.forEach((name, k) => {
    if (!onlyTrainable || l.trainable[k]) flat.set(view(params.get(name)!), l.offsets[k]); // straight from the tensor's memory
  });
}
