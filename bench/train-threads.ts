/**
 * Data-parallel training speed (src/train/parallel.ts) on synthetic batches: a whole step —
 * split, forward, loss, backward on every thread, gradients summed, clipping, Adam, weights
 * published — as `rin train --threads N` runs it.
 *
 *   node --import tsx bench/train-threads.ts --threads 2 --preset paper --B 50 --n 40 --relations 24 --K 3
 *
 * Prints a line per run on stderr and, last on stdout, the JSON bench/peers.ts reads:
 * {"trainSentencesPerSec", "msPerBatch", "peakRssMiB", ...}. --threads takes a list (1,2) to
 * time several in one process, one after another. BENCH_REPS (8) timed steps after 2 warm-up ones.
 * On a busy machine wall time says little, so each run also gives CPU time per batch: of the
 * whole process, and of its busiest thread (Linux /proc): the step's critical path, what the
 * wall time would be with a core per thread (`cpuBoundSentencesPerSec`).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { initBackend } from '../src/engine/backend.ts';
import { disposeParams } from '../src/model/params.ts';
import type { PresetName } from '../src/model/presets.ts';
import { Adam } from '../src/train/adam.ts';
import { DataParallel } from '../src/train/parallel.ts';
import { procMemoryMiB } from './memory.ts';
import { syntheticParts } from './synthetic.ts';

const { values: a } = parseArgs({
  options: {
    threads: { type: 'string', default: '2' },
    preset: { type: 'string', default: 'paper' },
    B: { type: 'string', default: '50' },
    n: { type: 'string', default: '40' },
    relations: { type: 'string', default: '24' },
    K: { type: 'string', default: '3' },
  },
});
const [B, n, l, K] = [a.B, a.n, a.relations, a.K].map(Number);
const reps = Number(process.env.BENCH_REPS ?? 8);

const backend = await initBackend();

/** CPU seconds so far of each thread of this process (Linux; empty elsewhere). */
function threadCpu(): Map<string, number> {
  const out = new Map<string, number>();
  try {
    for (const tid of readdirSync('/proc/self/task')) {
      const f = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8').split(') ')[1].split(' ');
      out.set(tid, (Number(f[11]) + Number(f[12])) / 100); // utime + stime, in clock ticks of 1/100 s
    }
  } catch {}
  return out;
}

async function time(threads: number) {
  const { cfg, rng, params, table, items } = syntheticParts({ name: 'bench', B, n, relations: l, K }, a.preset as PresetName);
  const dp = await DataParallel.start(params, cfg, threads, backend);
  const opt = new Adam(params, 1e-3);
  const step = () => dp.step(opt, items, table, rng.int(), 5);
  for (let k = 0; k < 2; k++) await step();
  const [t0, cpu0, thr0] = [performance.now(), process.cpuUsage(), threadCpu()];
  for (let k = 0; k < reps; k++) await step();
  const ms = (performance.now() - t0) / reps;
  const cpu = process.cpuUsage(cpu0);
  const busiest = Math.max(...[...threadCpu()].map(([tid, s]) => s - (thr0.get(tid) ?? 0)));
  const criticalMs = (busiest * 1000) / reps;
  await dp.close();
  opt.dispose();
  disposeParams(params);
  return {
    threads,
    msPerBatch: +ms.toFixed(1),
    trainSentencesPerSec: +((B * 1000) / ms).toFixed(1),
    cpuMsPerBatch: +((cpu.user + cpu.system) / 1000 / reps).toFixed(1),
    busiestThreadCpuMsPerBatch: +criticalMs.toFixed(1),
    cpuBoundSentencesPerSec: +((B * 1000) / criticalMs).toFixed(1),
  };
}

const load = loadavg().map((x) => +x.toFixed(2));
const runs = [];
for (const t of String(a.threads).split(',').map(Number)) {
  const r = await time(t);
  runs.push(r);
  process.stderr.write(
    `${a.preset} B=${B} n=${n} l=${l} K=${K}, ${t} thread(s): ${r.trainSentencesPerSec} sentences/s (${r.msPerBatch} ms/batch); CPU ${r.cpuMsPerBatch} ms/batch, busiest thread ${r.busiestThreadCpuMsPerBatch} ms → ${r.cpuBoundSentencesPerSec} sentences/s with a core per thread\n`,
  );
}
const last = runs.at(-1)!;
const result = { ...last, preset: a.preset, B, n, relations: l, K, backend, reps, loadAtStart: load, peakRssMiB: procMemoryMiB()?.peak, runs };
console.log(JSON.stringify(result));
