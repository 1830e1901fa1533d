/** Evaluate a model on gold sentences: predict, then score (metrics.ts). */
import { describeStats, encoderFor, newStats } from '../features/encode.ts';
import { type Entity, type Problem, type Sentence, type SpanKind, sentenceEntities } from '../core/types.ts';
import type { RinModel } from '../io/modelDir.ts';
import type { Prediction } from './decode.ts';
import { type Scores, score } from './metrics.ts';
import { entityTypesOf } from '../features/vocab.ts';
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

/**
 * Types count only when both the model and the data have them; otherwise strict scores would
 * be 0 (or ignore the data's types) without a word. Returns whether to score with types, and a note.
 */
function typedScoring(model: RinModel, goldEntities: Entity[][]): { typed: boolean; note?: string } {
  const modelTypes = entityTypesOf(model.vocabs.ner);
  const dataTyped = goldEntities.some((es) => es.some((e) => e.type !== undefined));
  if (modelTypes.length && !dataTyped) return { typed: false, note: `the model predicts entity types (${modelTypes.join(', ')}) but the data has none: scored without types` };
  if (!modelTypes.length && dataTyped) return { typed: false, note: 'the data has entity types but the model predicts none: scored on boundaries, types ignored' };
  return { typed: modelTypes.length > 0 };
}

export function evaluate(model: RinModel, sentences: Sentence[], spans: SpanKind, opts: EvaluateOptions = {}): Evaluation {
  const enc = encoderFor(model.vocabs, model.table, model.config.shapeFeatures, model.subword);
  const stats = newStats();
  const encOpts = { spans, partialNer: model.train.partialNer, selfPairs: model.config.selfPairs };
  const encoded = sentences.map((s) => enc.encode(s, encOpts, stats));
  const { predictions, problems } = predict(model, sentences, { ...opts, encoded });
  // NER against the data's own entities, not the training targets (which --partial-ner changes).
  const goldEntities = sentences.map(sentenceEntities);
  const mode = spans === 'full' ? 'exact' : 'partial';
  const { typed, note } = typedScoring(model, goldEntities);
  const notes = [...describeStats(stats, 'gold'), ...(note ? [note] : [])];
  return { scores: score(sentences, predictions, goldEntities, mode, { typed, symmetric: opts.symmetric }), predictions, problems, notes };
}
