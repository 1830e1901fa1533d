/**
 * rin worker: takes jobs from the queue on any machine that reaches Redis, runs their texts
 * through an ExtractorPool (one model per thread, as rin extract --workers), and returns the
 * output records: BullMQ stores a job's result in Redis in the same step that marks it completed,
 * so a result is never half-written and never written without its completion.
 * A worker killed mid-job holds its job's lock only until it expires: another worker's stalled
 * check then puts the job back (BullMQ lockDuration, stalledInterval). A text whose extraction
 * fails (its thread died, a model error) fails the job, which is retried; on its last attempt the
 * job completes with an error record for that text, so the rest of the corpus goes on.
 * SIGTERM or SIGINT: no new jobs; the jobs in hand finish, then the process ends.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { type Job, Queue, Worker } from 'bullmq';
import { WorkerCrashError } from '../core/errors.ts';
import type { Extraction } from '../extract/extractor.ts';
import type { JsonlRecord } from '../extract/input.ts';
import type { ExtractorPool } from '../extract/pool.ts';
import type { CorpusJob } from './corpus.ts';
import { checkName, queueName } from './keys.ts';
import { connect } from './redis.ts';

/** One output line, as rin extract --jsonl writes it: the extraction with the input's fields, or an error. */
export type OutputRecord = ({ line: number } & Record<string, unknown>) | { line: number; error: string };

export interface WorkerOptions {
  redis: string;
  name?: string;
  /** Jobs in hand at once (default: twice the pool's threads, so it never waits for the next). */
  concurrency?: number;
  threshold?: number;
  /** How long a job's lock lasts without renewal: a killed worker's jobs come back after about this (BullMQ's default 30 s). */
  stallMs?: number;
  log?: (line: string) => void;
  /** Seconds between progress lines; 0: none. */
  progressEvery?: number;
  /**
   * How long a stop waits for the jobs in hand (default 60 s): after it the worker closes by force
   * (a Redis that is gone would keep it waiting for ever), and its jobs return after the stall interval.
   */
  closeMs?: number;
}

/** Test hook: a text containing this (env RIN_QUEUE_FAULT) fails as a model error would. */
const FAULT = process.env.RIN_QUEUE_FAULT;
/** Test hook: the job holding this input line (env RIN_QUEUE_HANG_LINE) never finishes, as in a worker stuck mid-job. */
const HANG_LINE = Number(process.env.RIN_QUEUE_HANG_LINE ?? 0);
/** Test hook: every job takes at least this many ms (env RIN_QUEUE_SLOW_MS), so a fault lands mid-run on any CPU. */
const SLOW_MS = Number(process.env.RIN_QUEUE_SLOW_MS ?? 0);

/** The output records of one job, or an Error to retry it while attempts remain. */
export async function runJob(pool: ExtractorPool, data: CorpusJob, lastAttempt: boolean, threshold?: number): Promise<OutputRecord[]> {
  if (HANG_LINE > 0 && data.records.some((r) => r.line === HANG_LINE)) await new Promise(() => {});
  if (SLOW_MS > 0) await sleep(SLOW_MS);
  const work = data.records.filter((r): r is JsonlRecord & { text: string } => r.text !== undefined);
  const results = await pool.extractEach(
    work.map((r) => r.text),
    { threshold },
  );
  const failed = (k: number): string | undefined => {
    const res = results[k];
    if (res instanceof WorkerCrashError) return res.message;
    if (FAULT && work[k].text.includes(FAULT)) return 'injected fault (RIN_QUEUE_FAULT)';
    return undefined;
  };
  const firstFailure = work.findIndex((_, k) => failed(k));
  if (firstFailure >= 0 && !lastAttempt) throw new Error(`line ${work[firstFailure].line}: ${failed(firstFailure)}`);
  const byLine = new Map(work.map((r, k) => [r.line, k]));
  return data.records.map((r): OutputRecord => {
    if (r.error !== undefined) return { line: r.line, error: r.error };
    const k = byLine.get(r.line)!;
    const why = failed(k);
    if (why) return { line: r.line, error: `line ${r.line}: ${why}` };
    return { line: r.line, ...r.fields, ...(results[k] as Extraction) };
  });
}

export interface RunningWorker {
  /** Resolves when the worker has stopped (after stop(), or a signal). */
  done: Promise<void>;
  stop(): Promise<void>;
}

export async function startWorker(pool: ExtractorPool, o: WorkerOptions): Promise<RunningWorker> {
  const name = checkName(o.name ?? 'rin');
  const log = o.log ?? (() => {});
  const conn = await connect(o.redis);
  let lines = 0;
  const t0 = Date.now();
  const worker = new Worker<CorpusJob, OutputRecord[]>(
    queueName(name),
    async (job: Job<CorpusJob>) => {
      const attempts = job.opts.attempts ?? 1;
      const out = await runJob(pool, job.data, job.attemptsMade + 1 >= attempts, o.threshold);
      lines += out.length;
      return out;
    },
    {
      connection: conn,
      concurrency: o.concurrency ?? 2 * pool.size,
      ...(o.stallMs ? { lockDuration: o.stallMs, stalledInterval: o.stallMs } : {}),
      maxStalledCount: 3, // a job whose worker dies is taken again, up to 3 times
    },
  );
  worker.on('failed', (job, e) => job && job.attemptsMade >= (job.opts.attempts ?? 1) && log(`rin worker: job ${job.id} failed for good: ${e.message}`));
  // While Redis is away, ioredis retries many times a second: say each error once every 10 s.
  const said = new Map<string, number>();
  worker.on('error', (e) => {
    if (Date.now() - (said.get(e.message) ?? 0) < 10_000) return;
    said.set(e.message, Date.now());
    log(`rin worker: ${e.message}`);
  });
  const counts = new Queue(queueName(name), { connection: conn });
  const every = o.progressEvery ?? 10;
  const timer = every > 0 ? setInterval(() => void progress(), every * 1000) : undefined;
  const progress = async () => {
    const c = await counts.getJobCounts('completed', 'failed', 'waiting', 'active', 'delayed').catch(() => undefined);
    const rate = lines / Math.max((Date.now() - t0) / 1000, 1e-9);
    if (c) log(`rin worker: ${lines} lines here (${rate.toFixed(1)} lines/s); queue: ${c.completed} jobs done, ${c.failed} failed, ${c.waiting + c.delayed} waiting, ${c.active} running`);
  };
  let stopping: Promise<void> | undefined;
  const closeMs = o.closeMs ?? 60_000;
  const stop = () =>
    (stopping ??= (async () => {
      if (timer) clearInterval(timer);
      const graceful = Promise.all([worker.close(), counts.close()]).then(() => true); // the jobs in hand finish first
      if (!(await Promise.race([graceful, sleep(closeMs).then(() => false)]))) {
        log(`rin worker: not closed after ${closeMs / 1000} s (is Redis reachable?); closing by force, its jobs return to the queue after the stall interval`);
        void worker.close(true).catch(() => {});
      }
      conn.disconnect();
      onStopped();
    })());
  let onStopped: () => void = () => {};
  const stopped = new Promise<void>((ok) => (onStopped = ok));
  const done = new Promise<void>((resolve) => {
    const onSignal = () => void stop().then(resolve);
    process.once('SIGTERM', onSignal);
    process.once('SIGINT', onSignal);
    void worker.waitUntilReady().catch(() => {});
    worker.on('closed', () => {
      process.off('SIGTERM', onSignal);
      process.off('SIGINT', onSignal);
      resolve();
    });
    void stopped.then(resolve);
  });
  return { done, stop };
}
