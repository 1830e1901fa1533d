/**
 * rin queue add: a JSONL corpus into BullMQ jobs of N lines. Jobs are added in bulk as the corpus
 * streams by; BullMQ ignores a job whose id exists, so adding a corpus again adds only what is
 * missing (an interrupted add completes). Each job is retried (ATTEMPTS, with backoff) before it
 * fails; results and failures stay in Redis until collected.
 */
import { basename } from 'node:path';
import { Queue } from 'bullmq';
import { type CorpusJob, corpusId, corpusJobs } from './corpus.ts';
import { type CorpusInfo, checkName, corporaKey, jobsKey, queueName } from './keys.ts';
import { connect } from './redis.ts';

/** Tries of a job: a worker that dies, a model error, a Redis blip get two more chances. */
export const ATTEMPTS = 3;
const BULK = 200;

export interface AddOptions {
  redis: string;
  file: string;
  jobLines?: number;
  name?: string;
}

export interface AddResult {
  corpus: string;
  queue: string;
  jobs: number;
  /** Jobs new to the queue (0 when the corpus was added before). */
  added: number;
  lines: number;
}

export async function addCorpus(o: AddOptions): Promise<AddResult> {
  const name = checkName(o.name ?? 'rin');
  const jobLines = o.jobLines ?? 100;
  const id = await corpusId(o.file);
  const conn = await connect(o.redis);
  const queue = new Queue(queueName(name), { connection: conn });
  let jobs = 0,
    added = 0,
    lines = 0;
  let batch: CorpusJob[] = [];
  const flush = async () => {
    if (!batch.length) return;
    // BullMQ first, then rin's record: a job recorded is always a job queued.
    await queue.addBulk(batch.map((data) => ({ name: 'extract', data, opts: { jobId: data.id, attempts: ATTEMPTS, backoff: { type: 'exponential', delay: 1000 } } })));
    added += await conn.zadd(jobsKey(name, id), 'NX', ...batch.flatMap((j) => [j.from, j.id]));
    batch = [];
  };
  try {
    for await (const job of corpusJobs(o.file, id, jobLines)) {
      batch.push(job);
      jobs++;
      lines = job.to;
      if (batch.length >= BULK) await flush();
    }
    await flush();
    const info: CorpusInfo = { file: basename(o.file), lines, jobs, jobLines, addedAt: new Date().toISOString() };
    await conn.hset(corporaKey(name), id, JSON.stringify(info));
  } finally {
    await queue.close();
    conn.disconnect();
  }
  return { corpus: id, queue: name, jobs, added, lines };
}
