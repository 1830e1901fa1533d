/**
 * rin against the PyTorch reference (../shared/bench/rin_torch_ref.py), paper preset, fixed shapes,
 * training and inference, 1 thread each and 2 threads each, in one run: ratio = rin / reference.
 * rin's 1-thread rows are bench.ts's own (wasm, in-process); its 2-thread training and its ONNX
 * inference come from peers.ts. Anything missing is a row saying why, never a failure.
 */
import { type PeerFlag, type PeerScript, runPeer } from './peers.ts';
import { BENCH_WORDS } from './synthetic.ts';
import { type Outcome, runTorch, type Shape } from './torch.ts';

export type Mode = 'train' | 'infer';

export interface Side {
  engine: string;
  sentencesPerSec: number | null;
  peakRssMiB?: number;
  note?: string;
}

export interface ComparisonRow {
  shape: string;
  B: number;
  n: number;
  relations: number;
  K: number;
  mode: Mode;
  threads: number;
  rin: Side;
  reference: Side & { medMs?: number };
  ratio: number | null;
}

/** rin's own measurement of one row, from bench.ts (1 thread) or a peer script. */
/** A peer row runs its script with `--threads N`, or with `--workers N` (N workers of one thread each). */
export type RinSource = { kind: 'inProcess'; engine: string; sentencesPerSec: number } | { kind: 'peer'; engine: string; script: PeerScript; flag?: PeerFlag };

export interface Plan {
  shape: Shape;
  mode: Mode;
  threads: number;
  rin: RinSource;
}

/**
 * The rows of the comparison for one shape, given bench.ts's 1-thread figures on the tfjs engine
 * (`engine`: 'wasm', or 'wasm + native' with the native addon).
 */
export function plan(shape: Shape, wasm: { train: number; infer: number }, engine = 'wasm'): Plan[] {
  return [
    { shape, mode: 'train', threads: 1, rin: { kind: 'inProcess', engine, sentencesPerSec: wasm.train } },
    { shape, mode: 'train', threads: 2, rin: { kind: 'peer', engine: `${engine}, 2 workers`, script: 'train-threads.ts' } },
    { shape, mode: 'infer', threads: 1, rin: { kind: 'inProcess', engine, sentencesPerSec: wasm.infer } },
    { shape, mode: 'infer', threads: 1, rin: { kind: 'peer', engine: 'onnx', script: 'onnx.ts' } },
    { shape, mode: 'infer', threads: 2, rin: { kind: 'peer', engine: 'onnx', script: 'onnx.ts' } },
    // Two cores as rin serve and rin extract use them: a worker each, one batch each at a time.
    { shape, mode: 'infer', threads: 2, rin: { kind: 'peer', engine: 'onnx, 2 workers', script: 'onnx.ts', flag: 'workers' } },
  ];
}

export interface Runners {
  torch: (shape: Shape, mode: Mode, threads: number) => Outcome<{ sent_per_s: number; med_ms: number; peakRSS_MB: number; engine: string }>;
  peer: (script: PeerScript, shape: Shape, threads: number, flag?: PeerFlag) => Outcome<{ sentencesPerSec: number; peakRssMiB?: number }>;
}

export const defaultRunners = (): Runners => ({
  torch: (shape, mode, threads) => runTorch(shape, mode, threads, { vocab: BENCH_WORDS }),
  peer: runPeer,
});

/** Runs every planned row; the reference once per (shape, mode, threads), skipped with `torchSkip` as its note. */
export function compare(plans: Plan[], torchSkip: string | null, run: Runners = defaultRunners()): ComparisonRow[] {
  const refCache = new Map<string, Side & { medMs?: number }>();
  const reference = (p: Plan) => {
    const key = `${p.shape.name}/${p.mode}/${p.threads}`;
    if (!refCache.has(key)) refCache.set(key, torchSkip ? { engine: 'torch', sentencesPerSec: null, note: torchSkip } : fromTorch(run.torch(p.shape, p.mode, p.threads)));
    return refCache.get(key)!;
  };
  return plans.map((p) => {
    const rin = rinSide(p, run);
    const ref = reference(p);
    const ratio = rin.sentencesPerSec !== null && ref.sentencesPerSec ? +(rin.sentencesPerSec / ref.sentencesPerSec).toFixed(3) : null;
    const { name, B, n, relations, K } = p.shape;
    return { shape: name, B, n, relations, K, mode: p.mode, threads: p.threads, rin, reference: ref, ratio };
  });
}

function rinSide(p: Plan, run: Runners): Side {
  if (p.rin.kind === 'inProcess') return { engine: p.rin.engine, sentencesPerSec: p.rin.sentencesPerSec };
  const r = run.peer(p.rin.script, p.shape, p.threads, p.rin.flag);
  if (!r.ok) return { engine: p.rin.engine, sentencesPerSec: null, note: `not available: ${r.reason}` };
  return { engine: p.rin.engine, sentencesPerSec: r.value.sentencesPerSec, ...(r.value.peakRssMiB !== undefined ? { peakRssMiB: r.value.peakRssMiB } : {}) };
}

function fromTorch(r: ReturnType<Runners['torch']>): Side & { medMs?: number } {
  if (!r.ok) return { engine: 'torch', sentencesPerSec: null, note: `failed: ${r.reason}` };
  return { engine: r.value.engine, sentencesPerSec: r.value.sent_per_s, medMs: r.value.med_ms, peakRssMiB: r.value.peakRSS_MB };
}

/** The printed table: one line per row, notes under it. */
export function formatComparison(rows: ComparisonRow[]): string {
  const num = (v: number | null) => (v === null ? 'n/a' : String(v));
  const seen = new Set<string>(); // a skipped reference says why once, not on every row
  const out = ['side by side, paper preset (ratio = rin / PyTorch reference; rin 1-thread = mean of reps, reference = median)'];
  out.push(`${'shape'.padEnd(34)} ${'mode'.padEnd(6)} thr  ${'rin engine'.padEnd(13)} ${'rin sent/s'.padStart(10)} ${'torch sent/s'.padStart(12)}  ratio`);
  for (const r of rows) {
    const shape = `${r.shape} B=${r.B} n=${r.n} l=${r.relations} K=${r.K}`;
    out.push(
      `${shape.padEnd(34)} ${r.mode.padEnd(6)} ${String(r.threads).padStart(3)}  ${r.rin.engine.padEnd(13)} ${num(r.rin.sentencesPerSec).padStart(10)} ${num(r.reference.sentencesPerSec).padStart(12)}  ${r.ratio === null ? 'n/a' : r.ratio.toFixed(2)}`,
    );
    for (const note of [r.rin.note && `rin: ${r.rin.note}`, r.reference.note && `reference: ${r.reference.note}`]) {
      if (note && !seen.has(note)) out.push(`    ${note}`);
      if (note) seen.add(note);
    }
  }
  return out.join('\n');
}
