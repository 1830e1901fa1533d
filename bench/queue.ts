/**
 * The queue (src/queue/) against rin extract --jsonl on one machine: a corpus of N lines (the
 * WebNLG dev texts repeated), a redis-server of its own (AOF on). Wall time from start to the
 * last result, model loading included on both sides:
 *   - rin extract --jsonl --workers 2, and the queue with 2 worker processes of 1 thread (the overhead);
 *   - the queue with 1, 2 and 4 worker processes (jobs/s), and --job-lines 25, 100, 400 with 2;
 *   - Redis memory per line of a corpus added and done (jobs and results);
 *   - 4 worker processes, one killed (SIGKILL) and replaced every 20 s: the corpus still completes
 *     with each line once (collect checks), and the time lost against the same run without kills.
 * Writes bench/queue-results.json.
 *
 *   node --import tsx bench/queue.ts [--lines 20000] [--kill-every 20]
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { codeVersion } from '../src/core/version.ts';
import { addCorpus } from '../src/queue/add.ts';
import { collect, queueStatus } from '../src/queue/collect.ts';
import { devTexts } from './devTexts.ts';
import { RedisServer, freePort } from '../test/redisServer.ts';

const { values: v } = parseArgs({ options: { lines: { type: 'string', default: '20000' }, 'kill-every': { type: 'string', default: '20' } } });
const root = join(import.meta.dirname, '..');
const dir = mkdtempSync(join(tmpdir(), 'rin-bench-queue-'));
const lines = Number(v.lines);
const model = process.env.BENCH_MODEL ? ['--model', process.env.BENCH_MODEL] : [];

const redis = new RedisServer(await freePort(), dir, 'everysec');
await redis.start();
const port = redis.port;
const url = redis.url;

const texts = devTexts();
const corpus = join(dir, 'corpus.jsonl');
writeFileSync(corpus, Array.from({ length: lines }, (_, k) => JSON.stringify({ text: texts[k % texts.length], id: k })).join('\n') + '\n');

const rin = (args: string[]): ChildProcess => spawn(process.execPath, [join(root, 'bin/rin.js'), ...args], { stdio: ['ignore', 'ignore', 'inherit'] });
const exited = (p: ChildProcess) => new Promise((ok) => (p.exitCode !== null ? ok(p.exitCode) : p.once('exit', ok)));

/** rin extract --jsonl --workers 2: seconds. */
async function direct(): Promise<number> {
  const t0 = performance.now();
  const p = rin(['extract', '--jsonl', '--file', corpus, '--out', join(dir, 'direct.jsonl'), '--workers', '2', '--no-progress', ...model]);
  if ((await exited(p)) !== 0) throw new Error('rin extract failed');
  return (performance.now() - t0) / 1000;
}

let runNo = 0;
/** The corpus through `workers` worker processes; with killEvery, one is killed and replaced that often. Seconds, jobs, and whether collect got each line once. */
async function queued(workers: number, jobLines: number, killEvery = 0): Promise<{ seconds: number; jobs: number; kills: number; complete: boolean }> {
  const name = `bench${runNo++}`;
  const added = await addCorpus({ redis: url, file: corpus, jobLines, name });
  const t0 = performance.now();
  const start = () => rin(['worker', '--redis', url, '--name', name, '--threads', '1', '--stall-ms', '5000', '--no-progress', ...model]);
  const procs = Array.from({ length: workers }, start);
  let kills = 0;
  let lastKill = performance.now();
  for (;;) {
    const s = await queueStatus({ redis: url, name });
    if (s.done + s.failed === s.info.jobs) break;
    if (killEvery && performance.now() - lastKill > killEvery * 1000) {
      const k = kills++ % workers;
      procs[k].kill('SIGKILL');
      procs[k] = start();
      lastKill = performance.now();
    }
    await sleep(100);
  }
  const seconds = (performance.now() - t0) / 1000;
  for (const p of procs) p.kill('SIGTERM');
  await Promise.all(procs.map(exited));
  const out = join(dir, `${name}.jsonl`);
  const c = await collect({ redis: url, name, out });
  const got = readFileSync(out, 'utf8').trim().split('\n');
  const complete = c.pending === 0 && got.length === lines && got.every((l, k) => JSON.parse(l).line === k + 1);
  return { seconds, jobs: added.jobs, kills, complete };
}

/** Redis's used_memory, bytes. */
const redisMemory = () => Number(/used_memory:(\d+)/.exec(spawnSync('redis-cli', ['-p', String(port), 'info', 'memory']).stdout.toString())?.[1]);

try {
  const directS = await direct();
  const before = redisMemory();
  const two = await queued(2, 100);
  const bytesPerLine = Math.round((redisMemory() - before) / lines);
  const scaling = [];
  for (const w of [1, 2, 4]) {
    const r = w === 2 ? two : await queued(w, 100);
    scaling.push({ workerProcesses: w, seconds: +r.seconds.toFixed(1), jobsPerSec: +(r.jobs / r.seconds).toFixed(2), linesPerSec: +(lines / r.seconds).toFixed(0), complete: r.complete });
  }
  const jobLines = [];
  for (const n of [25, 100, 400]) {
    const r = n === 100 ? two : await queued(2, n);
    jobLines.push({ jobLines: n, seconds: +r.seconds.toFixed(1), linesPerSec: +(lines / r.seconds).toFixed(0), complete: r.complete });
  }
  const calm = scaling.find((s) => s.workerProcesses === 4)!;
  const killed = await queued(4, 100, Number(v['kill-every']));
  const result = {
    codeVersion: codeVersion(),
    cpu: cpus()[0]?.model,
    cores: cpus().length,
    lines,
    direct: { command: 'rin extract --jsonl --workers 2', seconds: +directS.toFixed(1), linesPerSec: +(lines / directS).toFixed(0) },
    queue2x1: {
      seconds: +two.seconds.toFixed(1),
      linesPerSec: +(lines / two.seconds).toFixed(0),
      overheadPercent: +((100 * (two.seconds - directS)) / directS).toFixed(1),
      complete: two.complete,
      redisBytesPerLine: bytesPerLine,
    },
    scaling,
    jobLines,
    kills: {
      workerProcesses: 4,
      killEverySeconds: Number(v['kill-every']),
      kills: killed.kills,
      seconds: +killed.seconds.toFixed(1),
      lostSeconds: +(killed.seconds - calm.seconds).toFixed(1),
      complete: killed.complete,
    },
  };
  writeFileSync(join(import.meta.dirname, 'queue-results.json'), JSON.stringify(result, null, 2) + '\n');
  console.log(JSON.stringify(result, null, 2));
} finally {
  await redis.stop();
  rmSync(dir, { recursive: true, force: true });
}
