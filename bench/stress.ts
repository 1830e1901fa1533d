/**
 * The HTTP service under overload (npm run stress): starts `rin serve` (the shipped model unless
 * --model) as a child process on 127.0.0.1 and a free port, then 16 clients send requests back to
 * back for 60 s: most send one sentence, --large-clients of them 50-90 kB texts. A client told
 * 503 overloaded waits Retry-After (at most 5 s) as a polite client would. Reports requests/s and
 * p50/p99 latency for small and large requests apart, replies by status and error code, how many
 * small requests were served while a large one was running, and the server's resident memory
 * (VmRSS before and after, VmHWM: its peak) from /proc. Writes bench/stress-results.json.
 *
 *   node --import tsx bench/stress.ts [--seconds 60] [--clients 16] [--large-clients 4] [--out FILE] [-- rin serve options]
 *
 * Text: the WebNLG dev sentences (../shared/data), or a few built-in ones when that is absent.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { devTexts } from './devTexts.ts';
import { procMemoryMiB } from './memory.ts';

const { values: v, positionals: serveArgs } = parseArgs({
  allowPositionals: true,
  options: {
    seconds: { type: 'string', default: '60' },
    clients: { type: 'string', default: '16' },
    'large-clients': { type: 'string', default: '4' },
    model: { type: 'string' },
    out: { type: 'string', default: join(import.meta.dirname, 'stress-results.json') },
  },
});
const seconds = Number(v.seconds),
  clients = Number(v.clients),
  largeClients = Number(v['large-clients']);
if (!(seconds > 0 && clients >= 1 && largeClients >= 0 && largeClients <= clients)) throw new Error('--seconds > 0, --clients ≥ 1 and 0 ≤ --large-clients ≤ --clients');

// ---------------------------------------------------------------- texts

const FALLBACK = ['John Smith was born in London.', 'Acme Corp is based in Paris and was founded by Anna Lee.', 'The Eiffel Tower is located in Paris, France.'];
const sentences = devTexts(FALLBACK);

/** Deterministic choices (mulberry32), so two runs send the same requests. */
function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A body of 50-90 kB (under the service's 100 kB limit) of consecutive dev sentences. */
function largeBody(r: () => number): string {
  const target = 50_000 + Math.floor(r() * 40_000);
  let text = '';
  for (let k = Math.floor(r() * sentences.length); Buffer.byteLength(text) < target; k++) text += sentences[k % sentences.length] + ' ';
  return JSON.stringify({ text });
}
const smallBody = (r: () => number) => JSON.stringify({ text: sentences[Math.floor(r() * sentences.length)] });

// ---------------------------------------------------------------- the server

const root = join(import.meta.dirname, '..');

function memory(pid: number): { rssMiB: number; hwmMiB: number } {
  const m = procMemoryMiB(pid);
  return { rssMiB: m?.rss ?? Number.NaN, hwmMiB: m?.peak ?? Number.NaN };
}

/** `rin serve` on 127.0.0.1 and a free port; resolves with its URL once it listens. */
function startServer(): Promise<{ child: ChildProcess; url: string }> {
  const args = [join(root, 'bin/rin.js'), 'serve', '--host', '127.0.0.1', '--port', '0', ...(v.model ? ['--model', v.model] : []), ...serveArgs];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  return new Promise((resolve, reject) => {
    let err = '';
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error(`rin serve did not start in 120 s:\n${err}`));
    }, 120_000);
    child.stderr!.setEncoding('utf8').on('data', (d: string) => {
      err += d;
      const url = err.match(/listening on (http:\/\/127\.0\.0\.1:\d+)/)?.[1];
      if (url) {
        clearTimeout(timer);
        resolve({ child, url });
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`rin serve exited (${code}):\n${err}`));
    });
  });
}

// ---------------------------------------------------------------- the load

interface Done {
  kind: 'small' | 'large';
  start: number;
  end: number;
  status: number | 'network';
  code?: string;
}

async function send(url: string, kind: Done['kind'], body: string): Promise<Done & { retryAfter: number }> {
  const start = performance.now();
  try {
    const res = await fetch(`${url}/extract`, { method: 'POST', headers: { 'content-type': 'application/json' }, body, signal: AbortSignal.timeout(60_000) });
    const text = await res.text();
    const code = res.status === 200 ? undefined : (JSON.parse(text) as { error?: { code?: string } }).error?.code;
    return { kind, start, end: performance.now(), status: res.status, code, retryAfter: Number(res.headers.get('retry-after') ?? 0) };
  } catch (e) {
    return { kind, start, end: performance.now(), status: 'network', code: (e as Error).name, retryAfter: 0 };
  }
}

async function client(url: string, k: number, until: number, log: Done[]): Promise<void> {
  const r = rng(k + 1);
  const kind = k < largeClients ? 'large' : 'small';
  while (performance.now() < until) {
    const d = await send(url, kind, kind === 'large' ? largeBody(r) : smallBody(r));
    log.push(d);
    if (d.code === 'overloaded') await sleep(Math.min(d.retryAfter * 1000, 5000, Math.max(0, until - performance.now())));
  }
}

const pct = (xs: number[], p: number) => (xs.length ? +xs.sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))].toFixed(0) : null);

function summary(log: Done[], kind: Done['kind'], wallS: number) {
  const all = log.filter((d) => d.kind === kind);
  const ok = all.filter((d) => d.status === 200);
  const failed = all.filter((d) => d.status !== 200);
  const ms = (ds: Done[]) => ds.map((d) => d.end - d.start);
  return {
    requests: all.length,
    ok: ok.length,
    okPerSec: +(ok.length / wallS).toFixed(2),
    p50Ms: pct(ms(ok), 50),
    p99Ms: pct(ms(ok), 99),
    failedP50Ms: pct(ms(failed), 50),
    failedP99Ms: pct(ms(failed), 99),
  };
}

function byStatus(log: Done[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const d of log) {
    const key = `${d.kind} ${d.status}${d.code ? ` ${d.code}` : ''}`;
    out[key] = (out[key] ?? 0) + 1;
  }
  return Object.fromEntries(Object.entries(out).sort());
}

/** Small requests answered 200 entirely while a large request that was served was running. */
function smallDuringLarge(log: Done[]): { count: number; p50Ms: number | null } {
  const large = log.filter((d) => d.kind === 'large' && d.status === 200);
  const inside = log.filter((d) => d.kind === 'small' && d.status === 200 && large.some((l) => l.start <= d.start && d.end <= l.end));
  return {
    count: inside.length,
    p50Ms: pct(
      inside.map((d) => d.end - d.start),
      50,
    ),
  };
}

// ---------------------------------------------------------------- run

const { child, url } = await startServer();
try {
  await send(url, 'small', smallBody(rng(0))); // warm-up: the first model call compiles kernels
  const before = memory(child.pid!);
  const log: Done[] = [];
  const t0 = performance.now();
  await Promise.all(Array.from({ length: clients }, (_, k) => client(url, k, t0 + seconds * 1000, log)));
  const wallS = (performance.now() - t0) / 1000;
  const after = memory(child.pid!);
  const result = {
    date: new Date().toISOString(),
    machine: { cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, memoryGiB: +(totalmem() / 2 ** 30).toFixed(1), node: process.version },
    command: `node --import tsx bench/stress.ts ${process.argv.slice(2).join(' ')}`.trim(),
    serveArgs,
    seconds,
    wallSeconds: +wallS.toFixed(1),
    clients,
    largeClients,
    small: summary(log, 'small', wallS),
    large: summary(log, 'large', wallS),
    replies: byStatus(log),
    smallServedDuringLarge: smallDuringLarge(log),
    serverMemoryMiB: { rssBefore: before.rssMiB, rssAfter: after.rssMiB, peak: after.hwmMiB },
  };
  console.log(JSON.stringify(result, null, 2));
  writeFileSync(v.out!, JSON.stringify(result, null, 2) + '\n');
} finally {
  child.kill('SIGTERM');
}
