/** rin queue add | status | collect, and rin worker: corpus-scale extraction on a BullMQ queue in Redis (src/queue/). */
import { UserError } from '../core/errors.ts';
import { ExtractorPool } from '../extract/pool.ts';
import { addCorpus } from '../queue/add.ts';
import { collect, queueStatus } from '../queue/collect.ts';
import { startWorker } from '../queue/worker.ts';
import { int, parse, required, threshold } from './args.ts';
import { workerCount } from './workers.ts';

export const queueHelp = `rin queue — corpus-scale extraction on a job queue in Redis (BullMQ); workers on any machine

usage: rin queue add --redis URL --jsonl CORPUS [--job-lines N] [--name NAME]
       rin queue status --redis URL [--name NAME] [--corpus ID]
       rin queue collect --redis URL --out FILE [--name NAME] [--corpus ID]
       rin worker --redis URL [--concurrency C] [--threads N] [--model DIR] [--name NAME]

  --redis URL         redis://host:6379 (run Redis with appendonly yes and maxmemory-policy noeviction)
  --jsonl CORPUS      the corpus, one JSON string or {"text": ...} a line (.gz ok), as rin extract --jsonl
  --job-lines N       lines a job (default 100); adding the same corpus again adds nothing twice
  --name NAME         the queue (default rin)
  --corpus ID         the corpus id rin queue add printed (default: the queue's only corpus)
  --out FILE          collect: the results in input order, one {"line", ...} record each input
                      line; failed lines are {"line", "error"}; lines still in work are counted,
                      not written (collect again later)
`;

export const workerHelp = `rin worker — take jobs from a rin queue and extract (stop with Ctrl+C or SIGTERM: the jobs in hand finish)

usage: rin worker --redis URL [options]

  --redis URL         the queue's Redis
  --name NAME         the queue (default rin)
  --model DIR         model directory (default: the shipped model)
  --embeddings FILE   the word vectors the model was trained with, if not its recorded ones
  --threads N         model threads, one model each (default: every core)
  --concurrency C     jobs in hand at once (default: twice the threads)
  --threshold X       extract a triple when its probability is at least X (default 0.5)
  --stall-ms N        a job's lock without renewal: a killed worker's jobs return after about N ms (default 30000)
  --close-ms N        on Ctrl+C or SIGTERM, wait at most N ms for the jobs in hand, then close by force (default 60000)
  --no-progress       no progress lines
`;

export async function queueCommand(argv: string[]): Promise<void> {
  const [sub, ...rest] = argv;
  const { values: v } = parse('queue', rest, {
    redis: { type: 'string' },
    jsonl: { type: 'string' },
    'job-lines': { type: 'string' },
    name: { type: 'string' },
    corpus: { type: 'string' },
    out: { type: 'string' },
  });
  if (v.help || sub === '--help' || sub === '-h' || !sub) return void process.stdout.write(queueHelp);
  const redis = required('queue', 'redis', v.redis);
  if (sub === 'add') {
    const r = await addCorpus({ redis, file: required('queue', 'jsonl', v.jsonl), jobLines: int('job-lines', v['job-lines'], 1, 1e9), name: v.name });
    process.stdout.write(`corpus ${r.corpus}: ${r.lines} lines in ${r.jobs} jobs on queue "${r.queue}"; ${r.added} new${r.added < r.jobs ? ` (${r.jobs - r.added} were there already)` : ''}\n`);
  } else if (sub === 'status') {
    const s = await queueStatus({ redis, name: v.name, corpus: v.corpus });
    process.stdout.write(`corpus ${s.corpus} (${s.info.file}, ${s.info.lines} lines, ${s.info.jobs} jobs): ${s.done} done, ${s.failed} failed, ${s.running} running, ${s.waiting} waiting\n`);
  } else if (sub === 'collect') {
    const r = await collect({ redis, name: v.name, corpus: v.corpus, out: required('queue', 'out', v.out) });
    process.stdout.write(`${v.out}: ${r.written} lines (${r.errors} error records)${r.pending ? `; ${r.pending} lines still in work: collect again later` : '; the corpus is complete'}\n`);
  } else throw new UserError(`unknown queue command "${sub}": add, status or collect (see rin queue --help)`);
}

export async function workerCommand(argv: string[]): Promise<void> {
  const { values: v } = parse('worker', argv, {
    redis: { type: 'string' },
    name: { type: 'string' },
    model: { type: 'string' },
    embeddings: { type: 'string' },
    threads: { type: 'string' },
    concurrency: { type: 'string' },
    threshold: { type: 'string' },
    'stall-ms': { type: 'string' },
    'close-ms': { type: 'string' },
    'no-progress': { type: 'boolean' },
  });
  if (v.help) return void process.stdout.write(workerHelp);
  const redis = required('worker', 'redis', v.redis);
  const minScore = threshold(v.threshold);
  const concurrency = int('concurrency', v.concurrency, 1, 10_000);
  const stallMs = int('stall-ms', v['stall-ms'], 100, 3_600_000);
  const closeMs = int('close-ms', v['close-ms'], 0, 3_600_000);
  const log = (l: string) => process.stderr.write(l + '\n');
  const { connect } = await import('../queue/redis.ts');
  (await connect(redis)).disconnect(); // a wrong URL is one line now, before the models load
  const pool = await ExtractorPool.start(v.model, { workers: workerCount(v.threads), embeddings: v.embeddings, log });
  try {
    const w = await startWorker(pool, { redis, name: v.name, concurrency, threshold: minScore, stallMs, closeMs, log, progressEvery: v['no-progress'] ? 0 : 10 });
    log(`rin worker: taking jobs of queue "${v.name ?? 'rin'}" at ${redis} (${pool.size} model threads, engine ${pool.engine}); Ctrl+C stops`);
    await w.done;
  } finally {
    await pool.close();
    // A worker closed by force (Redis gone) can leave ioredis's reconnect timers: the command is over.
    setTimeout(() => process.exit(), 1000).unref();
  }
}
