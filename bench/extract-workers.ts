/**
 * Raw-text extraction on worker threads: sentences/s of the 500 WebNLG dev texts, everything
 * included (splitting, tokenisation, POS tags, model, decoding, offsets), in-process and with an
 * ExtractorPool of 1 and 2 workers, each in a fresh child process so its peak memory is its own;
 * where the time of one sentence goes (tokenisation, POS tags, the rest: model and decoding); and
 * `rin extract --jsonl` wall time and peak memory on a corpus of the dev texts, --workers 1 vs 2.
 * Writes bench/extract-workers-results.json.
 *
 *   node --import tsx bench/extract-workers.ts [--workers 1,2] [--repeat 4] [--runs 3]
 *
 * BENCH_MODEL=DIR picks the model (default: the shipped one); RIN_ENGINE=tfjs|onnx the engine.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { procMemoryMiB } from './memory.ts';
import { devTexts, pooledRun } from './devTexts.ts';
import { codeVersion } from '../src/core/version.ts';
import { posTags } from '../src/features/pos.ts';
import { loadModel } from '../src/extract/load.ts';
import { ExtractorPool } from '../src/extract/pool.ts';
import { splitText } from '../src/text/split.ts';

const { values: v } = parseArgs({
  options: {
    workers: { type: 'string', default: '1,2' },
    repeat: { type: 'string', default: '4' },
    runs: { type: 'string', default: '3' },
    child: { type: 'string' }, // internal: one configuration, in this (fresh) process
  },
});
const root = join(import.meta.dirname, '..');
const texts = devTexts();
const model = process.env.BENCH_MODEL;
const runs = Number(v.runs);

/** Peak and current resident memory of this process (all its threads), from /proc. */
function memory(): { rssMiB: number; peakMiB: number } {
  const m = procMemoryMiB();
  return { rssMiB: m?.rss ?? Number.NaN, peakMiB: m?.peak ?? Number.NaN };
}

/**
 * Best of `runs` timings of `f`, in ms, and the CPU time of the whole process (all threads) per
 * run: on a machine others are using, wall time says little about what more cores would give, CPU
 * time per sentence does.
 */
async function best(f: () => Promise<unknown>): Promise<number> {
  const ms: number[] = [];
  const cpu0 = process.cpuUsage();
  for (let k = 0; k < runs; k++) {
    const t0 = performance.now();
    await f();
    ms.push(performance.now() - t0);
  }
  const { user, system } = process.cpuUsage(cpu0);
  lastCpuMsPerRun = (user + system) / 1000 / runs;
  return Math.min(...ms);
}
let lastCpuMsPerRun = 0;
/**
 * CPU time of one sentence in the last best() (µs, all threads). `cpuBoundSentencesPerSec` below
 * is what that gives when each worker has a core to itself: workers × 10⁶ / this.
 */
const cpuUs = () => +((lastCpuMsPerRun * 1000) / sentenceCount).toFixed(0);

const sentenceCount = texts.reduce((n, t) => n + splitText(t).length, 0);
const perSec = (ms: number) => +((sentenceCount * 1000) / ms).toFixed(1);

/** In-process: where one sentence's time goes, and the whole. */
async function inProcess() {
  const t0 = performance.now();
  const x = await loadModel(model);
  const startMs = performance.now() - t0;
  await x.extract(texts.slice(0, 50)); // warm-up
  const split = await best(async () => texts.map(splitText));
  const tokens = texts.flatMap(splitText).map((s) => s.tokens.map((t) => t.text));
  const tag = await best(async () => tokens.map(posTags));
  const all = await best(() => x.extract(texts));
  const cpuUsPerSentence = cpuUs();
  const us = (ms: number) => +((ms * 1000) / sentenceCount).toFixed(0);
  return {
    engine: x.engine,
    startMs: Math.round(startMs),
    sentencesPerSec: perSec(all),
    cpuUsPerSentence,
    cpuBoundSentencesPerSec: Math.round(1e6 / cpuUsPerSentence),
    perSentenceUs: { tokenisation: us(split), posTags: us(tag), modelAndRest: us(all - split - tag), total: us(all) },
    ...memory(),
  };
}

/** A pool of n workers: jobs of 32 texts, two per worker in flight, as rin extract --jsonl sends them. */
async function pooled(n: number) {
  const t0 = performance.now();
  const pool = await ExtractorPool.start(model, { workers: n });
  await pool.allStarted();
  const startMs = performance.now() - t0;
  const run = pooledRun(pool, texts, n);
  await Promise.all(Array.from({ length: n }, () => pool.extract(texts.slice(0, 50)))); // warm-up (each worker, most likely)
  const all = await best(run);
  const cpuUsPerSentence = cpuUs();
  await pool.close();
  return { workers: n, startMs: Math.round(startMs), sentencesPerSec: perSec(all), cpuUsPerSentence, cpuBoundSentencesPerSec: Math.round((n * 1e6) / cpuUsPerSentence), ...memory() };
}

/** `rin extract --jsonl` on a corpus file: wall time and peak resident memory (GNU time), start-up included. */
function cli(workers: number, file: string, lines: number) {
  const out = join(dirname(file), `out-${workers}.jsonl`);
  const args = ['-f', '%e %M', process.execPath, join(root, 'bin/rin.js'), 'extract', '--jsonl', '--file', file, '--out', out, '--workers', String(workers), '--no-progress'];
  const r = spawnSync('/usr/bin/time', [...args, ...(model ? ['--model', model] : [])], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`rin extract failed (${r.status}):\n${r.stderr}`);
  const [wall, kb] = r.stderr.trim().split('\n').at(-1)!.split(' ').map(Number);
  return { workers, lines, wallS: wall, linesPerSec: +(lines / wall).toFixed(1), peakMiB: Math.round(kb / 1024), loadAvg: loadavg().map((l) => +l.toFixed(2)) };
}

async function child(which: string): Promise<void> {
  const r = which === 'in-process' ? await inProcess() : await pooled(Number(which));
  console.log(JSON.stringify(r));
}

if (v.child) {
  await child(v.child);
} else {
  const load = () => loadavg().map((l) => +l.toFixed(2));
  const rows: Record<string, unknown> = {};
  for (const c of ['in-process', ...v.workers!.split(',')]) {
    const out = execFileSync(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'extract-workers.ts'), '--runs', String(runs), '--child', c], {
      encoding: 'utf8',
      cwd: root,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    rows[c] = { ...JSON.parse(out.trim().split('\n').at(-1)!), loadAvg: load() };
    console.log(c, JSON.stringify(rows[c]));
  }
  const dir = mkdtempSync(join(tmpdir(), 'rin-bench-'));
  const corpus = Array.from({ length: Number(v.repeat) }, () => texts).flat();
  const file = join(dir, 'corpus.jsonl');
  writeFileSync(file, corpus.map((text, id) => JSON.stringify({ id, text })).join('\n') + '\n');
  const cliRows = v.workers!.split(',').map((w) => cli(Number(w), file, corpus.length));
  for (const r of cliRows) console.log('rin extract --jsonl', JSON.stringify(r));
  const same = cliRows.every((r) => readFileSync(join(dir, `out-${r.workers}.jsonl`), 'utf8') === readFileSync(join(dir, `out-${cliRows[0].workers}.jsonl`), 'utf8'));
  rmSync(dir, { recursive: true, force: true });
  const result = {
    date: new Date().toISOString(),
    machine: { cpu: cpus()[0]?.model ?? 'unknown', cores: availableParallelism(), memoryGiB: +(totalmem() / 2 ** 30).toFixed(1), node: process.version, code: codeVersion() },
    command: `node --import tsx bench/extract-workers.ts ${process.argv.slice(2).join(' ')}`.trim(),
    model: model ?? 'models/webnlg-union-rin',
    texts: texts.length,
    sentences: sentenceCount,
    rows,
    cli: { rows: cliRows, sameOutput: same },
  };
  writeFileSync(join(import.meta.dirname, 'extract-workers-results.json'), JSON.stringify(result, null, 2) + '\n');
}
