/**
 * Replacements for wasm kernels that are slow in @tensorflow/tfjs-backend-wasm 4.x.
 *
 * - Identity: the stock kernel copies the whole tensor, and autograd clones every tensor it
 *   saves for the backward pass (hundreds of [n*B, d] copies per training step). Kernels never
 *   write into their inputs, so a clone can share the data, counted by reference as Reshape does
 *   (and as the cpu backend's Identity does).
 * - Slice / SplitV / Unpack: the stock kernels call `backend.readSync(x)`, which copies the
 *   WHOLE input out of the wasm heap on every call; ours read a view of the heap instead.
 * - GatherV2 of rows (the embedding lookups): measured ~4 ms for 2,000 rows of 100; rows are
 *   copied from a view of the heap instead (out-of-range ids are refused as the stock kernel does).
 * - BatchMatMul with transposeA/transposeB: the stock XNNPACK path is ~6x slower than a plain
 *   matmul here, and autograd emits transposed matmuls for every dense-layer gradient.
 *   We transpose explicitly (a fast kernel) and call the plain matmul.
 *
 * Patched once per process, only when the active backend is wasm.
 */
import * as tf from '@tensorflow/tfjs';

/* The wasm backend's internals that we use (not part of its typed public API). */
export interface WasmBackendLike {
  makeOutput(shape: number[], dtype: string): tf.TensorInfo;
  incRef(dataId: tf.DataId): void;
  typedArrayFromHeap(t: tf.TensorInfo): Float32Array | Int32Array | Uint8Array;
  disposeData(dataId: tf.DataId): void;
}

let patched = false;

function sizeOf(shape: number[]): number {
  let s = 1;
  for (const d of shape) s *= d;
  return s;
}

function strides(shape: number[]): number[] {
  const st = new Array<number>(shape.length).fill(1);
  for (let i = shape.length - 2; i >= 0; i--) st[i] = st[i + 1] * shape[i + 1];
  return st;
}

/** Copy x[begin : begin+size] into a new output, reading the input in place. */
export function sliceNoCopy(backend: WasmBackendLike, x: tf.TensorInfo, begin: number[], size: number[]): tf.TensorInfo {
  const out = backend.makeOutput(size, x.dtype);
  // Views must be taken AFTER makeOutput: growing the heap detaches older views.
  const xv = backend.typedArrayFromHeap(x);
  const ov = backend.typedArrayFromHeap(out);
  const rank = x.shape.length;
  const xs = strides(x.shape);
  const total = sizeOf(size);
  if (total === 0) return out;
  // Innermost contiguous run: trailing dims that are taken whole, plus the first partial one.
  let inner = rank - 1;
  let run = size[rank - 1];
  while (inner > 0 && size[inner] === x.shape[inner] && begin[inner] === 0) {
    inner--;
    run *= size[inner];
  }
  // `run` covers dims inner..rank-1; iterate over the outer dims 0..inner-1.
  const outer = total / run;
  const idx = new Array<number>(inner).fill(0);
  let o = 0;
  for (let r = 0; r < outer; r++) {
    let off = begin[inner] * xs[inner];
    for (let d = 0; d < inner; d++) off += (begin[d] + idx[d]) * xs[d];
    for (let d = inner + 1; d < rank; d++) off += begin[d] * xs[d];
    ov.set(xv.subarray(off, off + run), o);
    o += run;
    for (let d = inner - 1; d >= 0; d--) {
      if (++idx[d] < size[d]) break;
      idx[d] = 0;
    }
  }
  return out;
}

function parseSlice(x: tf.TensorInfo, begin: number[] | number, size?: number[] | number): [number[], number[]] {
  const b = Array.isArray(begin) ? begin.slice() : [begin];
  const s = size === undefined ? [] : Array.isArray(size) ? size.slice() : [size];
  const rank = x.shape.length;
  while (b.length < rank) b.push(0);
  while (s.length < rank) s.push(-1);
  for (let i = 0; i < rank; i++) if (s[i] === -1) s[i] = x.shape[i] - b[i];
  return [b, s];
}

export function patchWasmKernels(): void {
  if (patched || tf.getBackend() !== 'wasm') return;
  patched = true;

  const identity = tf.getKernel('Identity', 'wasm')!;
  tf.unregisterKernel('Identity', 'wasm');
  tf.registerKernel({
    kernelName: 'Identity',
    backendName: 'wasm',
    kernelFunc: (args) => {
      const x = args.inputs.x as tf.TensorInfo;
      if (x.dtype === 'string') return identity.kernelFunc(args);
      (args.backend as unknown as WasmBackendLike).incRef(x.dataId);
      return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
    },
  });

  tf.unregisterKernel('Slice', 'wasm');
  tf.registerKernel({
    kernelName: 'Slice',
    backendName: 'wasm',
    kernelFunc: ({ inputs, attrs = {}, backend }) => {
      const x = inputs.x as tf.TensorInfo;
      const [b, s] = parseSlice(x, attrs.begin as number[], attrs.size as number[]);
      return sliceNoCopy(backend as unknown as WasmBackendLike, x, b, s);
    },
  });

  tf.unregisterKernel('SplitV', 'wasm');
  tf.registerKernel({
    kernelName: 'SplitV',
    backendName: 'wasm',
    kernelFunc: ({ inputs, attrs = {}, backend }) => {
      const x = inputs.x as tf.TensorInfo;
      const rank = x.shape.length;
      const axis = ((attrs.axis as number) + rank) % rank;
      const spec = attrs.numOrSizeSplits as number | number[];
      let sizes: number[];
      if (Array.isArray(spec)) {
        const known = spec.filter((v) => v !== -1).reduce((a, v) => a + v, 0);
        sizes = spec.map((v) => (v === -1 ? x.shape[axis] - known : v));
      } else {
        sizes = new Array<number>(spec).fill(x.shape[axis] / spec);
      }
      const begin = new Array<number>(rank).fill(0);
      return sizes.map((sz) => {
        const size = x.shape.slice();
        size[axis] = sz;
        const out = sliceNoCopy(backend as unknown as WasmBackendLike, x, begin.slice(), size);
        begin[axis] += sz;
        return out;
      });
    },
  });

  tf.unregisterKernel('Unpack', 'wasm');
  tf.registerKernel({
    kernelName: 'Unpack',
    backendName: 'wasm',
    kernelFunc: ({ inputs, attrs = {}, backend }) => {
      const x = inputs.value as tf.TensorInfo;
      const rank = x.shape.length;
      const axis = ((attrs.axis as number) + rank) % rank;
      const outShape = x.shape.filter((_, i) => i !== axis);
      const size = x.shape.slice();
      size[axis] = 1;
      const outs: tf.TensorInfo[] = [];
      for (let i = 0; i < x.shape[axis]; i++) {
        const begin = new Array<number>(rank).fill(0);
        begin[axis] = i;
        const o = sliceNoCopy(backend as unknown as WasmBackendLike, x, begin, size);
        outs.push({ dataId: o.dataId, dtype: o.dtype, shape: outShape });
      }
      return outs;
    },
  });

  const gather = tf.getKernel('GatherV2', 'wasm')!;
  tf.unregisterKernel('GatherV2', 'wasm');
  tf.registerKernel({
    ...gather,
    kernelFunc: (args) => {
      const { inputs, attrs = {}, backend } = args;
      const x = inputs.x as tf.TensorInfo;
      const indices = inputs.indices as tf.TensorInfo;
      const axis = attrs.axis as number;
      if (x.shape.length !== 2 || (axis !== 0 && axis !== -2) || attrs.batchDims || x.dtype === 'string' || indices.dtype !== 'int32') return gather.kernelFunc(args);
      const wb = backend as unknown as WasmBackendLike;
      const [rows, width] = x.shape;
      const out = wb.makeOutput([...indices.shape, width], x.dtype);
      // Views after makeOutput: growing the heap detaches older views.
      const xv = wb.typedArrayFromHeap(x);
      const ids = wb.typedArrayFromHeap(indices);
      const ov = wb.typedArrayFromHeap(out);
      for (let k = 0; k < ids.length; k++) {
        const r = ids[k];
        if (!(r >= 0 && r < rows)) {
          wb.disposeData(out.dataId);
          throw new Error(`GatherV2: the index value ${r} is not in [0, ${rows - 1}]`);
        }
        ov.set(xv.subarray(r * width, (r + 1) * width), k * width);
      }
      return out;
    },
  });

  const mm = tf.getKernel('BatchMatMul', 'wasm')!;
  const tr = tf.getKernel('Transpose', 'wasm')!;
  tf.unregisterKernel('BatchMatMul', 'wasm');
  tf.registerKernel({
    kernelName: 'BatchMatMul',
    backendName: 'wasm',
    setupFunc: mm.setupFunc,
    kernelFunc: (args) => {
      const { inputs, attrs = {}, backend } = args;
      if (!attrs.transposeA && !attrs.transposeB) return mm.kernelFunc(args);
      const wb = backend as unknown as WasmBackendLike;
      const swapLast = (t: tf.TensorInfo): tf.TensorInfo => {
        const r = t.shape.length;
        const perm = [...Array(r).keys()];
        [perm[r - 2], perm[r - 1]] = [perm[r - 1], perm[r - 2]];
        return tr.kernelFunc({ inputs: { x: t }, attrs: { perm }, backend }) as tf.TensorInfo;
      };
      const a = attrs.transposeA ? swapLast(inputs.a as tf.TensorInfo) : (inputs.a as tf.TensorInfo);
      const b = attrs.transposeB ? swapLast(inputs.b as tf.TensorInfo) : (inputs.b as tf.TensorInfo);
      const out = mm.kernelFunc({ inputs: { a, b }, attrs: { ...attrs, transposeA: false, transposeB: false }, backend });
      if (a !== inputs.a) wb.disposeData(a.dataId);
      if (b !== inputs.b) wb.disposeData(b.dataId);
      return out;
    },
  });
}
