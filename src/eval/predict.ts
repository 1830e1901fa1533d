/**
 * Run a model over sentences: encode, batch by length, forward (no dropout), decode.
 */
import * as tf from '@tensorflow/tfjs';
import { encoderFor } from '../features/encode.ts';
import { entityTypesOf } from '../features/vocab.ts';
import type { Problem, Sentence } from '../core/types.ts';
import type { RinModel } from '../io/modelDir.ts';
import type { EncodedSentence } from '../core/types.ts';
import { type Batch, makeBatch } from '../model/batch.ts';
import { forward } from '../model/rin.ts';
import type { ModelConfig } from '../model/config.ts';
import type { Params } from '../model/params.ts';
import { sortedBatches } from '../model/batches.ts';
import { Progress } from '../core/progress.ts';
import { type LogitValues, type Prediction, checkThreshold, decode } from './decode.ts';

export interface PredictOptions {
  batchSize?: number;
  /**
   * Most padded tokens B·n in one model call (B sentences padded to n words), so memory does not
   * grow with the input: a batch of long sentences holds fewer of them. Predictions do not change
   * (scores only within float32 rounding).
   */
  maxBatchTokens?: number;
  /** Extract a triple when p ≥ threshold (0.5 in the paper). */
  threshold?: number;
  /** Only triples between predicted entities (decode.ts); the paper reads every cell. */
  entityPairs?: boolean;
  /** Sentences longer than this are not run; each is reported as a problem. */
  maxLength?: number;
  /** Show a progress line. */
  progress?: boolean;
  /** The sentences already encoded (as evaluate() has them), so they are not POS-tagged twice. */
  encoded?: EncodedSentence[];
}

/** 32 sentences of up to 32 words, 5 of 200: about 110 MB of tensors at once with 171 relations. */
export const DEFAULT_MAX_BATCH_TOKENS = 1024;

export interface PredictResult {
  predictions: Prediction[];
  problems: Problem[];
}

/**
 * Run the model (no dropout) and copy its logits to the host. The typed arrays are made
 * outside tf.tidy: tidy walks its result element by element, which cost more than the model.
 * @internal: its tfjs types stay out of rin's declarations.
 */
export function inferLogits(params: Params, cfg: ModelConfig, batch: Batch): Pick<LogitValues, 'ner' | 'a' | 'c' | 'bias'> {
  const out = tf.tidy(() => {
    const o = forward(params, cfg, batch, { training: false });
    return [o.ner, o.a, o.c, o.bias];
  });
  const [ner, a, c, bias] = out.map((t) => t.dataSync());
  tf.dispose(out);
  return { ner, a, c, bias };
}

/** One batch's logits from another engine (e.g. onnxruntime, src/onnx/runner.ts), as inferLogits gives them. */
export type InferFn = (batch: Batch) => Promise<Pick<LogitValues, 'ner' | 'a' | 'c' | 'bias'>>;

/** The work of one predict call: checked sentences in length-sorted batches, and how to decode one. */
interface Plan {
  result: PredictResult;
  /** Each batch: the sentences (indices into the input) it holds, and how to make it (one at a time, so memory stays flat). */
  batches: { of: number[]; make: () => Batch }[];
  /** Decode one batch's logits into the result. */
  decodeInto(of: number[], batch: Batch, values: Pick<LogitValues, 'ner' | 'a' | 'c' | 'bias'>): void;
}

function plan(model: RinModel, sentences: Sentence[], opts: PredictOptions): Plan {
  const enc = encoderFor(model.vocabs, model.table, model.config.shapeFeatures, model.subword);
  const types = entityTypesOf(model.vocabs.ner);
  const threshold = checkThreshold(opts.threshold ?? 0.5); // before any work
  const batchSize = opts.batchSize ?? 32;
  const maxLength = opts.maxLength ?? model.train.maxLength;
  const problems: Problem[] = [];
  const predictions: Prediction[] = sentences.map(() => ({ entities: [], triples: [] }));
  const runnable: number[] = [];
  sentences.forEach((s, k) => {
    if (s.tokens.length > maxLength) {
      problems.push({ ...s.source, message: `sentence has ${s.tokens.length} words, more than maxLength ${maxLength}; not predicted (its gold triples count as missed)`, action: 'skipped' });
    } else if (!s.tokens.length) {
      problems.push({ ...s.source, message: 'empty sentence; nothing to predict', action: 'skipped' });
    } else runnable.push(k);
  });
  const encoded = runnable.map((k) => opts.encoded?.[k] ?? enc.encodeInput(sentences[k]).enc);
  const groups = sortedBatches(
    encoded.map((e) => e.words.length),
    batchSize,
    opts.maxBatchTokens ?? DEFAULT_MAX_BATCH_TOKENS,
  );
  const bar = new Progress('predict', runnable.length, process.stderr, opts.progress ?? false);
  let done = 0;
  return {
    result: { predictions, problems },
    batches: groups.map((idx) => ({
      of: idx.map((k) => runnable[k]),
      make: () =>
        makeBatch(
          idx.map((k) => encoded[k]),
          model.table,
        ),
    })),
    decodeInto(of, batch, values) {
      const preds = decode({ n: batch.n, B: batch.B, lengths: batch.lengths, ...values }, model.vocabs.relations, {
        selfPairs: model.config.selfPairs,
        threshold,
        types,
        tagDecoding: model.config.tagDecoding,
        entityPairs: opts.entityPairs,
      });
      of.forEach((k, b) => (predictions[k] = preds[b]));
      done += of.length;
      bar.update(done);
    },
  };
}

/** Predict on the tfjs backend (synchronous). */
export function predict(model: RinModel, sentences: Sentence[], opts: PredictOptions = {}): PredictResult {
  const p = plan(model, sentences, opts);
  for (const { of, make } of p.batches) {
    const batch = make();
    p.decodeInto(of, batch, inferLogits(model.params, model.config, batch));
  }
  return p.result;
}

/**
 * Predict with `infer` running the model (onnxruntime: its run() is async), or on tfjs when it
 * is absent. Same batches, same decoding: predictions equal predict()'s up to float rounding.
 * A model with a subword encoder gets its features here (predict() needs them prepared).
 */
export async function predictAsync(model: RinModel, sentences: Sentence[], opts: PredictOptions & { infer?: InferFn } = {}): Promise<PredictResult> {
  const release = model.subword && !opts.encoded ? await model.subword.prepare(sentences.map((s) => s.tokens)) : undefined;
  try {
    const p = plan(model, sentences, opts);
    for (const { of, make } of p.batches) {
      const batch = make();
      p.decodeInto(of, batch, opts.infer ? await opts.infer(batch) : inferLogits(model.params, model.config, batch));
    }
    return p.result;
  } finally {
    release?.();
  }
}
