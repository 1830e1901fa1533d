/**
 * One way to extract, wherever the model runs: in this thread (Extractor) or in worker threads
 * (ExtractorPool). The HTTP service, the CLI and the queue worker take either.
 * Only types (and the card reader) here, so the main thread of a pool need not load TensorFlow.js.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { entityTypesOf } from '../features/vocab.ts';
import type { RinModel } from '../io/modelDir.ts';
import type { Extraction } from './extractor.ts';

/** What a user needs to know about a model: its card (README.md) and the facts of model.json. */
export interface ModelCard {
  path: string;
  relations: string[];
  /** Entity types the model predicts (empty: untyped entities). */
  entityTypes: string[];
  config: RinModel['config'];
  meta: RinModel['meta'];
  /** The model directory's README.md, if it has one. */
  readme: string | null;
}

export function readCard(model: RinModel, path: string): ModelCard {
  const readme = join(path, 'README.md');
  return {
    path,
    relations: model.vocabs.relations,
    entityTypes: entityTypesOf(model.vocabs.ner),
    config: model.config,
    meta: model.meta,
    readme: existsSync(readme) ? readFileSync(readme, 'utf8') : null,
  };
}

/** How one call runs. */
export interface RunOptions {
  /** Extract a triple when its probability is at least this (default 0.5). */
  threshold?: number;
  /** Stop with a TimeLimitError once this time (ms since the epoch) has passed. */
  deadline?: number;
  /**
   * A large job: run in chunks, yielding between them so small jobs run in between, and after
   * the other large jobs of its thread (one at a time each: interleaving only makes all of them late).
   */
  large?: boolean;
}

export interface ExtractionService {
  /** Model calls that can run at once: 1 in this thread, one per worker. */
  readonly parallel: number;
  readonly card: ModelCard;
  /** What runs the model: "onnx" (onnxruntime) or "tfjs". */
  readonly engine: string;
  /** Extract from texts; results in the same order. */
  extract(texts: string[], o?: RunOptions): Promise<Extraction[]>;
  /** Free the model (and its threads); later calls fail. */
  close(): Promise<void>;
}
