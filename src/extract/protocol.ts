/**
 * The messages between an ExtractorPool (pool.ts) and its workers (worker.ts), and how an error
 * crosses the thread boundary: structured clone keeps only an Error's message, so the class
 * (UserError, TimeLimitError, anything else) travels as a kind and is rebuilt on arrival, and the
 * caller sees the same error it would in-process.
 * Only types come from extractor.ts and load.ts here: importing them loads TensorFlow.js and
 * wink-nlp (2 s and 130 MB), which the main thread of a pool does not need.
 */
import { TimeLimitError, UserError } from '../core/types.ts';
import type { Extraction } from './extractor.ts';
import type { ModelCard, loadModel } from './load.ts';

/** loadModel's options but its log (a function cannot reach a worker: log lines come back as messages). */
export type LoadOptions = Omit<NonNullable<Parameters<typeof loadModel>[1]>, 'log'>;

/** What a worker is started with (workerData). */
export interface WorkerSetup {
  /** A model directory; undefined: the shipped model. */
  model?: string;
  load: LoadOptions;
}

/** Main → worker: one job. `chunked`: a large request, run with extract (deadline, yields). */
export interface Job {
  id: number;
  texts: string[];
  threshold?: number;
  deadline?: number;
  chunked?: boolean;
}

export type ErrorKind = 'user' | 'time_limit' | 'internal';
export interface WireError {
  kind: ErrorKind;
  message: string;
}

/** Worker → main. */
export type Reply =
  | { type: 'ready'; card: ModelCard; engine: string }
  | { type: 'log'; line: string }
  | { type: 'load_failed'; error: WireError }
  | { type: 'done'; id: number; results: Extraction[] }
  | { type: 'failed'; id: number; error: WireError };

/** In a worker. */
export function toWire(e: unknown): WireError {
  const message = e instanceof Error ? e.message : String(e);
  if (e instanceof UserError) return { kind: 'user', message };
  if (e instanceof TimeLimitError) return { kind: 'time_limit', message };
  return { kind: 'internal', message };
}

/** In the main thread. */
export function fromWire(w: WireError): Error {
  if (w.kind === 'user') return new UserError(w.message);
  if (w.kind === 'time_limit') return new TimeLimitError(w.message);
  return new Error(w.message);
}
