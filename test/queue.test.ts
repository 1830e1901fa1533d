/**
 * Corpus-scale extraction on a BullMQ queue (src/queue/, rin queue, rin worker) against a real
 * redis-server (Debian's; .ci/run installs it), started here on a free loopback port with a
 * temporary directory: jobs added once however often a corpus is added, results in input order
 * equal to rin extract --jsonl, and the faults: a worker killed mid-job, Redis restarted mid-run,
 * a text that fails extraction, a wrong URL or Redis down.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Queue } from 'bullmq';
import { ExtractorPool } from '../src/extract/pool.ts';
import { addCorpus } from '../src/queue/add.ts';
import { collect, queueStatus } from '../src/queue/collect.ts';
import { startWorker } from '../src/queue/worker.ts';
import { assertOneLineError, repo, rin, show } from './cli-run.ts';
import { RedisServer, freePort } from './redisServer.ts';
import { TINY_CORPUS, rawText, trainTinyModel } from './fixtures.ts';
import { setup, tempFolders } from './helpers.ts';
import { assertSameJsonLines } from './tolerance.ts';

const tmp = tempFolders('rin-queue-');
let modelDir: string;

let redis: RedisServer;

before(async () => {
  await setup();
  const m = await trainTinyModel(tmp.fresh());
  assert.equal(m.f1, 1, 'the tiny model reproduces its training triples (precondition)');
  modelDir = m.dir;
  redis = new RedisServer(await freePort(), tmp.fresh());
  await redis.start();
});
after(async () => {
  await redis?.stop();
});

/** A corpus of `n` lines: texts of every length, one line not JSON, one blank. */
function corpus(name: string, n: number): string {
  const texts = TINY_CORPUS.map(([t]) => rawText(t));
  const lines = Array.from({ length: n }, (_, k) => JSON.stringify({ text: Array.from({ length: 1 + (k % 3) }, (_, j) => texts[(k + j) % texts.length]).join(' '), id: k }));
  lines[4] = '{"text": "unterminated';
  lines[7] = '';
  return tmp.write(tmp.fresh(), name, lines.join('\n') + '\n');
}

/** rin extract --jsonl on the same corpus: what collect must equal. */
function extractJsonl(file: string): string {
  const out = join(tmp.fresh(), 'direct.jsonl');
  const r = rin(['extract', '--jsonl', '--file', file, '--out', out, '--model', modelDir, '--workers', '1', '--no-progress'], { timeout: 120_000 });
  assert.ok(r.code === 0 || r.code === 2, show(r)); // 2: the bad line is reported
  return readFileSync(out, 'utf8');
}

/** A `rin worker` process. */
function workerProcess(name: string, env: Record<string, string> = {}): ChildProcess {
  return spawn(process.execPath, ['bin/rin.js', 'worker', '--redis', redis.url, '--name', name, '--model', modelDir, '--threads', '1', '--stall-ms', '1500', '--no-progress'], {
    cwd: repo,
    env: { ...process.env, NODE_TEST_CONTEXT: '', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
}

type Status = Awaited<ReturnType<typeof queueStatus>>;

/** Poll queue `name` until `ready` holds (then its status) or `timeoutMs` passes (an error). */
async function waitFor(name: string, ready: (s: Status) => boolean, timeoutMs = 120_000): Promise<Status> {
  const t0 = Date.now();
  for (;;) {
    const s = await queueStatus({ redis: redis.url, name });
    if (ready(s)) return s;
    if (Date.now() - t0 > timeoutMs) throw new Error(`queue ${name}: not there after ${timeoutMs} ms: ${JSON.stringify(s)}`);
    await sleep(100);
  }
}

const waitDone = (name: string) => waitFor(name, (s) => s.done + s.failed === s.info.jobs);

test('a corpus is added once however often; collect gives every line once, in order, as rin extract --jsonl does', async () => {
  const file = corpus('c1.jsonl', 40);
  const first = await addCorpus({ redis: redis.url, file, jobLines: 7, name: 'q1' });
  assert.deepEqual([first.jobs, first.added, first.lines], [6, 6, 40]);
  const again = await addCorpus({ redis: redis.url, file, jobLines: 7, name: 'q1' });
  assert.equal(again.added, 0, 'nothing added twice');
  const out = join(tmp.fresh(), 'out.jsonl');
  const early = await collect({ redis: redis.url, name: 'q1', out });
  assert.deepEqual([early.written, early.pending], [0, 39], 'nothing done yet: every line pending (the blank one is not a line of output)');
  const pool = await ExtractorPool.start(modelDir, { workers: 1 });
  try {
    const w = await startWorker(pool, { redis: redis.url, name: 'q1', progressEvery: 0 });
    await waitDone('q1');
    await w.stop();
    await w.done;
  } finally {
    await pool.close();
  }
  const r = await collect({ redis: redis.url, name: 'q1', out });
  assert.deepEqual([r.written, r.errors, r.pending], [39, 1, 0]);
  const got = readFileSync(out, 'utf8');
  assert.match(got.split('\n')[4], /^\{"line":5,"error":".*line 5: not valid JSON/, 'the line that is not JSON is an error record, not a failed job');
  assertSameJsonLines(got, extractJsonl(file), 'collect = rin extract --jsonl');
});

test('a worker killed with SIGKILL mid-job: its jobs are taken again after the stall interval; every line once', async () => {
  const file = corpus('c2.jsonl', 200);
  await addCorpus({ redis: redis.url, file, jobLines: 5, name: 'q2' });
  // The job holding line 103 hangs in this worker, so the kill finds it mid-job however fast the CPU
  // (a fast one finished all 40 jobs between two polls: CI's failure).
  const doomed = workerProcess('q2', { RIN_QUEUE_HANG_LINE: '103' });
  await waitFor('q2', (s) => s.done >= 2 && s.running > 0, 60_000); // a job is running when the worker is killed
  doomed.kill('SIGKILL');
  const after = await queueStatus({ redis: redis.url, name: 'q2' });
  assert.ok(after.done < after.info.jobs, 'killed mid-run');
  const rescuer = workerProcess('q2');
  try {
    await waitDone('q2');
  } finally {
    rescuer.kill('SIGTERM');
  }
  const out = join(tmp.fresh(), 'out.jsonl');
  const r = await collect({ redis: redis.url, name: 'q2', out });
  assert.equal(r.pending, 0);
  const lines = readFileSync(out, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l).line as number);
  assert.deepEqual(
    lines,
    [...Array(200).keys()].map((k) => k + 1).filter((k) => k !== 8),
    'each input line exactly once, in order',
  );
});

test('Redis restarted mid-run (append-only file on): the run completes, nothing lost', async () => {
  const file = corpus('c3.jsonl', 120);
  await addCorpus({ redis: redis.url, file, jobLines: 4, name: 'q3' });
  const w = workerProcess('q3', { RIN_QUEUE_SLOW_MS: '200' }); // 30 jobs: the restart lands mid-run on any CPU
  try {
    const seen = await waitFor('q3', (s) => s.done >= 3, 60_000);
    assert.ok(seen.done < seen.info.jobs, `Redis stops mid-run: ${JSON.stringify(seen)}`);
    await redis.stop();
    await sleep(1000); // the worker keeps trying to reach it
    await redis.start();
    await waitDone('q3');
  } finally {
    w.kill('SIGTERM');
  }
  const out = join(tmp.fresh(), 'out.jsonl');
  const r = await collect({ redis: redis.url, name: 'q3', out });
  assert.deepEqual([r.written, r.pending], [119, 0]);
  assertSameJsonLines(readFileSync(out, 'utf8'), extractJsonl(file), 'collect after the restart = rin extract --jsonl');
});

test('a text whose extraction fails: its job is retried, then that line is an error record with the reason; the rest goes on', async () => {
  const dir = tmp.fresh();
  const lines = TINY_CORPUS.map(([t]) => JSON.stringify(rawText(t)));
  lines[2] = JSON.stringify('This text is POISON for the model.');
  const file = join(dir, 'c4.jsonl');
  writeFileSync(file, lines.join('\n') + '\n');
  await addCorpus({ redis: redis.url, file, jobLines: 2, name: 'q4' });
  const w = workerProcess('q4', { RIN_QUEUE_FAULT: 'POISON' });
  const stderr: string[] = [];
  w.stderr?.on('data', (d) => stderr.push(String(d)));
  try {
    await waitDone('q4');
  } finally {
    w.kill('SIGTERM');
  }
  const out = join(dir, 'out.jsonl');
  const r = await collect({ redis: redis.url, name: 'q4', out });
  assert.deepEqual([r.written, r.errors, r.pending], [lines.length, 1, 0]);
  const recs = readFileSync(out, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  assert.match(recs[2].error, /^line 3: injected fault/);
  const q = new Queue('rin-q4', { connection: { host: '127.0.0.1', port: redis.port } });
  const jobs = await q.getJobs(['completed']);
  await q.close();
  assert.deepEqual(
    jobs.map((j) => [j.data.from, j.attemptsMade]).sort((a, b) => a[0] - b[0]),
    [
      [1, 1],
      [3, 3],
      [5, 1],
      [7, 1],
    ],
    'the job with the failing text was tried 3 times (attemptsMade counts the last), the others once',
  );
  assert.ok(
    recs.every((x, k) => k === 2 || x.triples.length > 0),
    'every other line extracted',
  );
});

test('SIGTERM stops a worker even when Redis is gone (the jobs in hand get a grace period, then it closes by force)', async () => {
  const other = new RedisServer(await freePort(), tmp.fresh());
  await other.start();
  const file = corpus('c6.jsonl', 20);
  await addCorpus({ redis: other.url, file, jobLines: 5, name: 'q6' });
  const w = spawn(process.execPath, ['bin/rin.js', 'worker', '--redis', other.url, '--name', 'q6', '--model', modelDir, '--threads', '1', '--close-ms', '2000', '--no-progress'], {
    cwd: repo,
    env: { ...process.env, NODE_TEST_CONTEXT: '' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const stderr: string[] = [];
  w.stderr?.on('data', (d) => stderr.push(String(d)));
  for (let k = 0; k < 600 && !stderr.join('').includes('taking jobs'); k++) await sleep(100);
  await other.stop();
  const t0 = Date.now();
  const exit = new Promise<number | null>((ok) => w.once('exit', ok));
  w.kill('SIGTERM');
  const code = await Promise.race([exit, sleep(20_000).then(() => 'hung')]);
  if (code === 'hung') w.kill('SIGKILL');
  assert.notEqual(code, 'hung', `the worker exits after SIGTERM with Redis down\n${stderr.join('')}`);
  assert.ok(Date.now() - t0 < 15_000);
  assert.match(stderr.join(''), /closing by force/);
});

test('a wrong URL or a Redis that is down: one clear line at once, no hang', async () => {
  const down = `redis://127.0.0.1:${await freePort()}`;
  const file = corpus('c5.jsonl', 3);
  const t0 = Date.now();
  assertOneLineError(
    rin(['queue', 'add', '--redis', down, '--jsonl', file], { timeout: 20_000 }),
    /^rin queue: error: cannot reach Redis at redis:\/\/127\.0\.0\.1:\d+: .*is redis-server running there\?\)$/,
  );
  assertOneLineError(rin(['worker', '--redis', down, '--model', modelDir], { timeout: 20_000 }), /^rin worker: error: cannot reach Redis/);
  assert.ok(Date.now() - t0 < 15_000, 'no hang');
  assertOneLineError(rin(['queue', 'status', '--redis', 'http://127.0.0.1:6379']), /--redis must be a redis:\/\/ or rediss:\/\/ URL/);
  assertOneLineError(rin(['queue', 'collect', '--redis', redis.url, '--name', 'nothing-here', '--out', join(tmp.fresh(), 'x.jsonl')]), /queue "nothing-here" has no corpus/);
});
