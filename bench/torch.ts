/**
 * The PyTorch reference of the paper's model (../shared/bench/rin_torch_ref.py), run as a child
 * process for the side-by-side rows of `npm run bench`. Debian's torch (`apt-get install
 * python3-torch libopenblas0-pthread`) under /usr/bin/python3; when it cannot be imported every call says why and the
 * bench goes on without it.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export const TORCH_REF = process.env.BENCH_TORCH_REF ?? join(import.meta.dirname, '../../shared/bench/rin_torch_ref.py');
export const PYTHON = process.env.BENCH_PYTHON ?? '/usr/bin/python3';

export interface Shape {
  name: string;
  B: number;
  n: number;
  relations: number;
  K: number;
}

/** One line the reference prints (its own field names). */
export interface TorchResult {
  engine: string;
  threads: number;
  mode: 'train' | 'infer';
  med_ms: number;
  min_ms: number;
  sent_per_s: number;
  peakRSS_MB: number;
}

export type Outcome<T> = { ok: true; value: T } | { ok: false; reason: string };

/**
 * torch's intra-op pool at `threads` (OMP), OpenBLAS inside it at one thread: OpenBLAS at
 * `threads` too oversubscribes the cores (measured here at 2 threads: 129.9 sentences/s against
 * 373.9 with OpenBLAS at 1, and 309.0 on one thread in all).
 */
export function threadEnv(threads: number): NodeJS.ProcessEnv {
  return { ...process.env, OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: String(threads), MKL_NUM_THREADS: '1' };
}

/** torch's version and the BLAS it loaded: Debian's torch uses the system libblas.so.3, and the
 * netlib reference one (the default without OpenBLAS) makes it ~15x slower, so a probe says which. */
const PROBE = `import torch, json
torch.randn(8, 8) @ torch.randn(8, 8)
libs = sorted({l.split()[-1] for l in open('/proc/self/maps') if 'blas' in l.split()[-1]})
print(json.dumps({'version': torch.__version__, 'blas': libs}))`;

export interface TorchInfo {
  version: string;
  blas: string[];
  /** Set when the loaded BLAS is not OpenBLAS. */
  warning?: string;
}

/** Whether the reference can run here, and with what. */
export function probeTorch(python = PYTHON, script = TORCH_REF): Outcome<TorchInfo> {
  if (!existsSync(script)) return { ok: false, reason: `reference script not found: ${script}` };
  const r = spawnSync(python, ['-c', PROBE], { encoding: 'utf8', timeout: 60_000 });
  if (r.error) return { ok: false, reason: `${python}: ${r.error.message}` };
  if (r.status !== 0) return { ok: false, reason: `${python} cannot import torch (apt-get install -y python3-torch libopenblas0-pthread)` };
  const info = lastJson(r.stdout) as TorchInfo | null;
  if (!info) return { ok: false, reason: `torch probe printed nothing: ${lastLine(r.stderr)}` };
  if (!info.blas.some((l) => l.includes('openblas')))
    info.warning = `torch runs on ${info.blas.join(', ') || 'an unknown BLAS'}, not OpenBLAS: its figures are far too slow (apt-get install -y libopenblas0-pthread)`;
  return { ok: true, value: info };
}

/** Runs one mode of the reference at `shape`; V is rin's bench vocabulary so the embedding tables match. */
export function runTorch(shape: Shape, mode: 'train' | 'infer', threads: number, opts: { vocab: number; steps?: number; python?: string; script?: string }): Outcome<TorchResult> {
  const args = [`B=${shape.B}`, `n=${shape.n}`, `l=${shape.relations}`, `K=${shape.K}`, `mode=${mode}`, 'variant=sep', `threads=${threads}`, `V=${opts.vocab}`, `steps=${opts.steps ?? 10}`];
  const r = spawnSync(opts.python ?? PYTHON, [opts.script ?? TORCH_REF, ...args], { encoding: 'utf8', env: threadEnv(threads), timeout: 600_000 });
  if (r.error) return { ok: false, reason: r.error.message };
  if (r.status !== 0) return { ok: false, reason: `exit ${r.status}: ${lastLine(r.stderr)}` };
  const value = lastJson(r.stdout) as TorchResult | null;
  if (!value || typeof value.sent_per_s !== 'number') return { ok: false, reason: `no result line in its output: ${lastLine(r.stdout)}` };
  return { ok: true, value };
}

/** The last stdout line that parses as a JSON object (scripts print progress before it). */
export function lastJson(out: string): Record<string, unknown> | null {
  for (const line of out.trim().split('\n').reverse()) {
    if (!line.startsWith('{')) continue;
    try {
      return JSON.parse(line) as Record<string, unknown>;
    } catch {}
  }
  return null;
}

export const lastLine = (s: string) => s.trim().split('\n').at(-1)?.slice(0, 200) ?? '';
