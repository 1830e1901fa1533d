/**
 * What an ExtractorPool (pool.ts) and its workers (worker.ts) send each other through the
 * generic pool (core/workerPool.ts).
 * Only types come from extractor.ts and load.ts here: importing them loads TensorFlow.js and
 * wink-nlp (2 s and 130 MB), which the main thread of a pool does not need.
 */
import type { ExtractorOptions } from './load.ts';
import type { ModelCard, RunOptions } from './service.ts';

/** loadModel's options but its log (a function cannot reach a worker: log lines come back as messages). */
export type WorkerLoadOptions = Omit<ExtractorOptions, 'log'>;

/** What a worker is started with (workerData). */
export interface WorkerSetup {
  /** A model directory; undefined: the shipped model. */
  model?: string;
  load: WorkerLoadOptions;
}

/** One job: texts and how to run them. */
export interface Job extends RunOptions {
  texts: string[];
}

/** What a loaded worker reports. */
export interface WorkerInfo {
  card: ModelCard;
  engine: string;
}
