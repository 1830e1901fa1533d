/**
 * Speed and memory on synthetic batches (npm run bench). Prints tables and writes
 * bench/results.json. Shapes from the RIN core issue:
 *   NYT-like    B=50, n=40, 24 relations,  K=3
 *   WebNLG-like B=20, n=40, 171 relations, K=3
 *   union-like  B=20, n=40, 364 relations, K=3 (the shipped model's data; default recipe only)
 * Training = forward + loss + backward + clipping + Adam update (src/train/step.ts).
 * Inference = forward + copy of the logits to the host + decoding (as src/eval/predict.ts).
 * 1. rin on one thread, each shape with the paper's model and the default recipe (what the recipe costs);
 *    with the native addon, the NYT-like rows again without it (what the addon adds).
 * 2. Side by side with the PyTorch reference, paper preset, 1 and 2 threads each (sideBySide.ts);
 *    skipped with a note when /usr/bin/python3 cannot import torch.
 * 3. Peak memory (VmHWM): of training alone (train-memory.ts, a child per preset), of this process,
 *    and of `rin serve` under bench/stress.ts (BENCH_STRESS_SECONDS, default 60; 0 reads the last
 *    bench/stress-results.json instead).
 * BENCH_REPS (8) timed steps per rin row.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { codeVersion } from '../src/core/version.ts';
import { nativeStatus, setNativeEnabled } from '../src/engine/addon.ts';
import { initBackend } from '../src/engine/backend.ts';
import type { PresetName } from '../src/model/presets.ts';
import { procMemoryMiB } from './memory.ts';
import { compare, formatComparison, plan } from './sideBySide.ts';
import { BENCH_WORDS, NYT_LIKE, synthetic, timeMs, UNION_LIKE, WEBNLG_LIKE } from './synthetic.ts';
import { lastJson, lastLine, probeTorch, PYTHON, type Shape, TORCH_REF } from './torch.ts';

const backend = await initBackend();
const native = nativeStatus();
const engine = native.blas ? `${backend} + native` : backend;
const reps = Number(process.env.BENCH_REPS ?? 8);
const load = () => loadavg().map((x) => +x.toFixed(2));
const loadAtStart = load();

let peakRss = 0;
const sample = () => (peakRss = Math.max(peakRss, process.memoryUsage().rss));
const timer = setInterval(sample, 1000);

function bench(shape: Shape, preset: PresetName) {
  const s = synthetic(shape, preset);
  const trainMs = timeMs(s.step, reps);
  const inferMs = timeMs(s.infer, reps);
  sample();
  s.dispose();
  const { name, B, n, relations, K } = shape;
  return {
    name,
    preset,
    B,
    n,
    relations,
    K,
    trainMsPerBatch: +trainMs.toFixed(1),
    trainSentencesPerSec: +((B * 1000) / trainMs).toFixed(1),
    inferMsPerBatch: +inferMs.toFixed(1),
    inferSentencesPerSec: +((B * 1000) / inferMs).toFixed(1),
    tensorsAfter: tf.memory().numTensors,
  };
}

const rows = [bench(NYT_LIKE, 'paper'), bench(WEBNLG_LIKE, 'paper'), bench(NYT_LIKE, 'default'), bench(WEBNLG_LIKE, 'default'), bench(UNION_LIKE, 'default')];
// The same shapes without the native addon (as RIN_NATIVE=0 runs): what the addon adds, in this run.
const wasmAlone = native.blas
  ? (() => {
      setNativeEnabled(false);
      try {
        return [bench(NYT_LIKE, 'paper'), bench(NYT_LIKE, 'default')];
      } finally {
        setNativeEnabled(true);
      }
    })()
  : [];
clearInterval(timer);
const wasmHeap = tf.memory().numBytes;
const benchVmHwm = procMemoryMiB()?.peak ?? null;
const machine = {
  cpu: cpus()[0]?.model ?? 'unknown',
  cores: cpus().length,
  memoryGiB: +(totalmem() / 2 ** 30).toFixed(1),
  node: process.version,
  backend,
  native: native.blas ?? `off: ${native.reason}`,
  code: codeVersion(),
};
console.log(
  `rin benchmark — ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB, Node ${machine.node}, engine ${engine}${native.blas ? ` (${native.blas})` : ` (native kernels off: ${native.reason})`}, rin ${machine.code}, load ${loadAtStart.join(' ')}`,
);
console.log('shape                      train sent/s (ms/batch)   inference sent/s (ms/batch)');
const show = (r: (typeof rows)[number], what = '') =>
  console.log(
    `${`${r.name} ${r.preset}${what} B=${r.B} n=${r.n} l=${r.relations} K=${r.K}`.padEnd(42)} ${String(r.trainSentencesPerSec).padStart(7)} (${r.trainMsPerBatch})      ${String(r.inferSentencesPerSec).padStart(7)} (${r.inferMsPerBatch})`,
  );
for (const r of rows) show(r);
for (const r of wasmAlone) show(r, ', wasm alone');

// Side by side (children run one after another, so no row competes with another).
const torch = probeTorch();
const torchSkip = torch.ok ? null : torch.reason;
const paperRow = (shape: Shape) => rows.find((r) => r.name === shape.name && r.preset === 'paper')!;
const plans = [NYT_LIKE, WEBNLG_LIKE].flatMap((s) => plan(s, { train: paperRow(s).trainSentencesPerSec, infer: paperRow(s).inferSentencesPerSec }, engine));
const loadBeforeComparison = load();
const comparison = compare(plans, torchSkip ? `skipped: ${torchSkip}` : null);
console.log(`\n${formatComparison(comparison)}`);
if (torch.ok) console.log(`reference: torch ${torch.value.version}, ${torch.value.blas.at(-1) ?? 'unknown BLAS'}${torch.value.warning ? `\nWARNING: ${torch.value.warning}` : ''}`);
console.log(`load average before the side-by-side rows: ${loadBeforeComparison.join(' ')} (the reference at 2 threads collapses on a loaded machine)`);

// Peak memory of training alone, each preset in its own process.
const trainingMemory = (['paper', 'default'] as const).map((preset) => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'train-memory.ts'), '--preset', preset], { encoding: 'utf8' });
  const out = lastJson(r.stdout);
  return { preset, shape: NYT_LIKE.name, peakRssMiB: typeof out?.peakRssMiB === 'number' ? out.peakRssMiB : null, ...(r.status === 0 ? {} : { error: lastLine(r.stderr) }) };
});
const serve = serveMemory();
console.log('\npeak resident memory (VmHWM)');
for (const m of trainingMemory) console.log(`  training, ${m.preset} preset, ${m.shape}, 1 thread: ${m.peakRssMiB ?? 'n/a'} MiB${m.error ? ` (${m.error})` : ''}`);
for (const r of comparison.filter((r) => r.mode === 'train' && r.shape === NYT_LIKE.name)) {
  if (r.rin.peakRssMiB !== undefined) console.log(`  training, paper preset, ${r.shape}, ${r.threads} threads (bench/train-threads.ts): ${r.rin.peakRssMiB} MiB`);
  if (r.reference.peakRssMiB !== undefined) console.log(`  PyTorch reference training, ${r.shape}, ${r.threads} thread(s): ${r.reference.peakRssMiB} MiB`);
}
console.log(`  this bench process (all rin rows above): ${benchVmHwm ?? 'n/a'} MiB (sampled every second: ${(peakRss / 2 ** 20).toFixed(0)} MiB)`);
console.log(`  rin serve under bench/stress.ts: ${serve.peakMiB ?? 'n/a'} MiB (${serve.source})`);

const result = {
  date: new Date().toISOString(),
  machine,
  reps,
  rows,
  wasmAlone,
  peakRssMiB: +(peakRss / 2 ** 20).toFixed(0),
  tfBytesAtEnd: wasmHeap,
  load: { atStart: loadAtStart, beforeComparison: loadBeforeComparison, atEnd: load() },
  reference: {
    script: TORCH_REF,
    python: PYTHON,
    skipped: torchSkip,
    ...(torch.ok ? torch.value : {}),
    vocab: BENCH_WORDS,
    variant: 'sep',
    env: 'OMP_NUM_THREADS = threads, OPENBLAS_NUM_THREADS = MKL_NUM_THREADS = 1',
  },
  comparison,
  memory: { benchVmHwmMiB: benchVmHwm, training: trainingMemory, serve },
};
writeFileSync(new URL('./results.json', import.meta.url), JSON.stringify(result, null, 2) + '\n');

/** `rin serve`'s peak under the stress script: run now for BENCH_STRESS_SECONDS, or the last stress-results.json. */
function serveMemory(): { peakMiB: number | null; source: string; seconds?: number } {
  const seconds = Number(process.env.BENCH_STRESS_SECONDS ?? 60);
  const saved = join(import.meta.dirname, 'stress-results.json');
  const file = seconds > 0 ? join(tmpdir(), `rin-bench-stress-${process.pid}.json`) : saved;
  if (seconds > 0) spawnSync(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'stress.ts'), '--seconds', String(seconds), '--out', file], { stdio: ['ignore', 'ignore', 'inherit'] });
  if (!existsSync(file)) return { peakMiB: null, source: `no ${file}` };
  const r = JSON.parse(readFileSync(file, 'utf8')) as { date: string; seconds: number; serverMemoryMiB?: { peak?: number } };
  if (seconds > 0) rmSync(file);
  const source = seconds > 0 ? `npm run stress for ${seconds} s, this run` : `bench/stress-results.json of ${r.date}`;
  return { peakMiB: r.serverMemoryMiB?.peak ?? null, source, seconds: r.seconds };
}
