/** Evaluate a model on gold sentences: predict, then score (metrics.ts). */
import { describeStats, encoderFor, newStats } from '../data/encode.ts';
import type { Problem, Sentence, Span, SpanKind } from '../data/types.ts';
import type { RinModel } from '../io/modelDir.ts';
import { type Prediction, biesoSpans } from './decode.ts';
import { type Scores, score } from './metrics.ts';
import { entityTypesOf } from '../data/vocab.ts';
import { type PredictOptions, predict } from './predict.ts';

export interface Evaluation {
  scores: Scores;
  /** One per gold sentence, for further breakdowns (seen.ts). */
  predictions: Prediction[];
  problems: Problem[];
  notes: string[];
}

export interface EvaluateOptions extends PredictOptions {
  /** Relations the data declares symmetric (they match in either direction). */
  symmetric?: string[];
}

export function evaluate(model: RinModel, sentences: Sentence[], spans: SpanKind, opts: EvaluateOptions = {}): Evaluation {
  const enc = encoderFor(model.vocabs, model.table, model.config.shapeFeatures);
  const stats = newStats();
  const encOpts = { spans, partialNer: model.train.partialNer, selfPairs: model.config.selfPairs };
  const encoded = sentences.map((s) => enc.encode(s, encOpts, stats));
  const { predictions, problems } = predict(model, sentences, { ...opts, encoded });
  const goldEntities: Span[][] = encoded.map((e) => biesoSpans(e.ner!));
  const mode = spans === 'full' ? 'exact' : 'partial';
  const typed = entityTypesOf(model.vocabs.ner).length > 0;
  return { scores: score(sentences, predictions, goldEntities, mode, { typed, symmetric: opts.symmetric }), predictions, problems, notes: describeStats(stats, 'gold') };
}
