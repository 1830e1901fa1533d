/**
 * rin queue status and rin queue collect: a corpus's results from Redis, in input order, each
 * input line exactly once ({"line", ...} as rin extract --jsonl writes it). A job that failed
 * for good gives an error record for each of its lines, with the reason. Lines still in work are
 * counted, not written; collect can run while workers go on, and again after (it rewrites the
 * output file atomically: a reader sees the old file or the new one).
 */
import { createWriteStream, renameSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { Job, Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { UserError } from '../core/errors.ts';
import type { CorpusJob } from './corpus.ts';
import { type CorpusInfo, checkName, corporaKey, jobsKey, queueName } from './keys.ts';
import { connect } from './redis.ts';
import type { OutputRecord } from './worker.ts';

export interface CollectOptions {
  redis: string;
  name?: string;
  /** The corpus id (rin queue add prints it); default: the queue's only corpus. */
  corpus?: string;
}

export interface Status {
  corpus: string;
  info: CorpusInfo;
  /** Jobs by state. */
  done: number;
  failed: number;
  waiting: number;
  running: number;
}

/** The corpus to read: the one named, or the only one the queue has. */
async function pickCorpus(conn: Redis, name: string, corpus?: string): Promise<{ id: string; info: CorpusInfo }> {
  const all = await conn.hgetall(corporaKey(name));
  const ids = Object.keys(all);
  if (corpus) {
    if (!all[corpus]) throw new UserError(`queue "${name}" has no corpus ${corpus}${ids.length ? ` (it has ${ids.join(', ')})` : ''}`);
    return { id: corpus, info: JSON.parse(all[corpus]) };
  }
  if (!ids.length) throw new UserError(`queue "${name}" has no corpus: add one with rin queue add`);
  if (ids.length > 1) throw new UserError(`queue "${name}" has ${ids.length} corpora (${ids.map((i) => `${i}: ${JSON.parse(all[i]).file}`).join(', ')}): name one with --corpus`);
  return { id: ids[0], info: JSON.parse(all[ids[0]]) };
}

/** Each job of the corpus in line order, with its state. */
async function* corpusJobStates(conn: Redis, queue: Queue, name: string, id: string): AsyncGenerator<{ jobId: string; job?: Job<CorpusJob, OutputRecord[]>; state: string }> {
  const ids = await conn.zrange(jobsKey(name, id), 0, -1);
  for (const jobId of ids) {
    const job = await Job.fromId<CorpusJob, OutputRecord[]>(queue, jobId);
    yield { jobId, job, state: job ? await job.getState() : 'missing' };
  }
}

export async function queueStatus(o: CollectOptions): Promise<Status> {
  const name = checkName(o.name ?? 'rin');
  const conn = await connect(o.redis);
  const queue = new Queue(queueName(name), { connection: conn });
  try {
    const { id, info } = await pickCorpus(conn, name, o.corpus);
    const s: Status = { corpus: id, info, done: 0, failed: 0, waiting: 0, running: 0 };
    for await (const { state } of corpusJobStates(conn, queue, name, id)) {
      if (state === 'completed') s.done++;
      else if (state === 'failed') s.failed++;
      else if (state === 'active') s.running++;
      else s.waiting++;
    }
    return s;
  } finally {
    await queue.close();
    conn.disconnect();
  }
}

export interface Collected {
  corpus: string;
  /** Output lines written, and of those error records. */
  written: number;
  errors: number;
  /** Lines not done yet (not written). */
  pending: number;
}

/** Write the corpus's results to `out` (atomically); returns what was written and what is still pending. */
export async function collect(o: CollectOptions & { out: string }): Promise<Collected> {
  const name = checkName(o.name ?? 'rin');
  const conn = await connect(o.redis);
  const queue = new Queue(queueName(name), { connection: conn });
  const tmp = `${o.out}.tmp-${process.pid}`;
  const file = createWriteStream(tmp);
  const r: Collected = { corpus: '', written: 0, errors: 0, pending: 0 };
  const write = async (rec: OutputRecord) => {
    r.written++;
    if ('error' in rec) r.errors++;
    if (!file.write(`${JSON.stringify(rec)}\n`)) await once(file, 'drain');
  };
  try {
    const { id } = await pickCorpus(conn, name, o.corpus);
    r.corpus = id;
    for await (const { job, state } of corpusJobStates(conn, queue, name, id)) {
      if (!job) throw new UserError(`a job of corpus ${id} is gone from Redis (removed, or Redis lost data: run with appendonly yes); add the corpus again to redo it`);
      if (state === 'completed') for (const rec of job.returnvalue) await write(rec);
      else if (state === 'failed')
        for (const rec of job.data.records) await write({ line: rec.line, error: rec.error ?? `line ${rec.line}: failed after ${job.attemptsMade} attempts: ${job.failedReason}` });
      else r.pending += job.data.records.length;
    }
    file.end();
    await once(file, 'finish');
    renameSync(tmp, o.out);
    return r;
  } catch (e) {
    file.destroy();
    rmSync(tmp, { force: true });
    throw e;
  } finally {
    await queue.close();
    conn.disconnect();
  }
}
