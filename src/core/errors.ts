/**
 * rin's errors, and how one crosses a thread boundary: structured clone keeps only an Error's
 * message, so the class travels as a kind and is rebuilt on arrival (toWire / fromWire), and a
 * caller of a worker pool sees the error it would see in-process.
 */

/** An error a user can act on: the CLI prints its message without a stack trace. */
export class UserError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UserError';
  }
}

/** The time limit of an extraction ran out; nothing partial is returned (the service answers 503 time_limit). */
export class TimeLimitError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TimeLimitError';
  }
}

/** The worker running a job stopped (crashed, ran out of memory, was terminated); the job did not finish. */
export class WorkerCrashError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WorkerCrashError';
  }
}

export type ErrorKind = 'user' | 'time_limit' | 'internal';

export interface WireError {
  kind: ErrorKind;
  message: string;
  /** An internal error's stack in the worker, for the report. */
  stack?: string;
}

/** In a worker. */
export function toWire(e: unknown): WireError {
  const message = e instanceof Error ? e.message : String(e);
  if (e instanceof UserError) return { kind: 'user', message };
  if (e instanceof TimeLimitError) return { kind: 'time_limit', message };
  return { kind: 'internal', message, ...(e instanceof Error && e.stack ? { stack: e.stack } : {}) };
}

/** In the main thread. */
export function fromWire(w: WireError): Error {
  if (w.kind === 'user') return new UserError(w.message);
  if (w.kind === 'time_limit') return new TimeLimitError(w.message);
  const e = new Error(w.message);
  if (w.stack) e.stack = `${e.message}\n(in the worker) ${w.stack}`;
  return e;
}
