/**
 * The model's forward pass on onnxruntime-node (native, optional dependency): a session over
 * the exported graph (export.ts) that takes a Batch and returns the same logits as
 * eval/predict.ts `inferLogits` does on tfjs.
 */
import { MAX_CHARS, SHAPE_SIZE } from '../features/wordFeatures.ts';
import { SUBWORD_DIM } from '../features/subword.ts';
import type { RinModel } from '../io/modelDir.ts';
import type { Batch } from '../model/batch.ts';
import { exportOnnx } from './export.ts';

/** Host copies of one batch's logits, as inferLogits returns them. */
export interface InferredLogits {
  ner: Float32Array; // [n*B, T]
  a: Float32Array; // [n, B, l]
  c: Float32Array; // [n, B, l]
  bias: Float32Array; // [l]
}

/**
 * The few parts of onnxruntime-node's API used here, typed locally: the package is optional,
 * so the code must compile without it.
 */
interface OrtTensor {
  readonly data: unknown;
}
interface OrtSession {
  readonly inputNames: readonly string[];
  run(feeds: Record<string, OrtTensor>): Promise<Record<string, OrtTensor>>;
  release(): Promise<void>;
}
interface Ort {
  Tensor: new (type: 'float32' | 'int32', data: Float32Array | Int32Array, dims: number[]) => OrtTensor;
  InferenceSession: { create(bytes: Uint8Array, opts: object): Promise<OrtSession> };
}

let ort: Promise<Ort | undefined> | undefined;

/** onnxruntime-node when it is installed and loads, else undefined (asked once per process). */
export function loadOrt(): Promise<Ort | undefined> {
  ort ??= (async () => {
    try {
      const name = 'onnxruntime-node'; // a variable, so tsc does not need the package
      const m = (await import(name)) as Ort & { default?: Ort };
      return m.InferenceSession ? m : m.default;
    } catch (e) {
      ortMissing = (e as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND' ? 'onnxruntime-node is not installed' : `onnxruntime-node does not load: ${(e as Error).message.split('\n')[0]}`;
      return undefined;
    }
  })();
  return ort;
}

let ortMissing = '';

/**
 * Which engine runs the model when it is left to choose, and why: a user whose install skipped
 * onnxruntime-node (an optional dependency; offline, its install script fails on its CUDA
 * download) is told so, and how to get it, instead of silently running the slower tfjs.
 */
export async function ortStatus(): Promise<{ engine: 'onnx' | 'tfjs'; why: string }> {
  if (await loadOrt()) return { engine: 'onnx', why: 'onnxruntime-node' };
  return {
    engine: 'tfjs',
    why: `${ortMissing}; TensorFlow.js (wasm) runs the model, about 4x slower. To install it without its CUDA download: ONNXRUNTIME_NODE_INSTALL=skip npm install onnxruntime-node`,
  };
}

export interface RunnerOptions {
  /** Threads of one model call (ORT intra-op threads); 1 by default, as workers are the way to use more cores. */
  threads?: number;
}

export class OnnxRunner {
  private constructor(
    private readonly ort: Ort,
    private readonly session: OrtSession,
  ) {}

  /** A session over a model's graph, exported in memory (or given as the bytes of an .onnx file). */
  static async create(model: RinModel | Uint8Array, opts: RunnerOptions = {}): Promise<OnnxRunner> {
    const ort = await loadOrt();
    if (!ort) throw new Error('onnxruntime-node is not installed');
    const bytes = model instanceof Uint8Array ? model : exportOnnx(model);
    const session = await ort.InferenceSession.create(bytes, {
      intraOpNumThreads: opts.threads ?? 1,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      graphOptimizationLevel: 'all',
    });
    return new OnnxRunner(ort, session);
  }

  /** The logits of one batch (no dropout). */
  async run(batch: Batch): Promise<InferredLogits> {
    const out = await this.session.run(this.feeds(batch));
    const get = (k: string) => out[k].data as Float32Array;
    return { ner: get('ner'), a: get('a'), c: get('c'), bias: get('bias') };
  }

  release(): Promise<void> {
    return this.session.release();
  }

  /** The graph's inputs from a batch (export.ts lists them); only those the graph has. */
  private feeds(batch: Batch): Record<string, OrtTensor> {
    const { n, B } = batch;
    const T = this.ort.Tensor;
    const all: Record<string, () => OrtTensor> = {
      words: () => new T('int32', batch.words, [n, B]),
      pos: () => new T('int32', batch.pos, [n, B]),
      mask: () => new T('float32', batch.mask, [n, B]),
      vectors: () => new T('float32', need(batch.vectors, 'pre-trained vectors'), [n, B, need(batch.vectors, '').length / (n * B)]),
      chars: () => charsTensor(T, need(batch.chars, 'characters')),
      charWord: () => new T('int32', need(batch.charWord, 'characters'), [n, B]),
      shape: () => new T('float32', need(batch.shape, 'word shapes'), [n, B, SHAPE_SIZE]),
      subword: () => new T('float32', need(batch.subword, 'subword features'), [n, B, SUBWORD_DIM]),
    };
    return Object.fromEntries(this.session.inputNames.map((k) => [k, all[k]()]));
  }
}

function need<T>(v: T | undefined, what: string): T {
  if (v === undefined) throw new Error(`the model reads ${what}: the batch has none`);
  return v;
}

/** The distinct words' characters cut to the longest word of the batch (the CNN's work is U × L), [U, L]. */
function charsTensor(T: Ort['Tensor'], chars: Int32Array): OrtTensor {
  const U = chars.length / MAX_CHARS;
  let L = 1;
  for (let u = 0; u < U; u++) for (let c = L; c < MAX_CHARS; c++) if (chars[u * MAX_CHARS + c]) L = c + 1;
  const out = new Int32Array(U * L);
  for (let u = 0; u < U; u++) out.set(chars.subarray(u * MAX_CHARS, u * MAX_CHARS + L), u * L);
  return new T('int32', out, [U, L]);
}
