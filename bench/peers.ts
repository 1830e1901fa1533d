/**
 * rin's rows that other bench scripts measure, each run as a child process so its threads and
 * memory are its own: `bench/train-threads.ts` (data-parallel training, `--threads N`) and
 * `bench/onnx.ts` (inference through onnxruntime-node). Until a script exists, or when it fails,
 * its rows say "not available" with the reason; the bench never fails for them.
 *
 * Contract: `node --import tsx bench/SCRIPT.ts --threads N --preset paper --B 50 --n 40
 * --relations 24 --K 3` prints, as its last JSON line, an object with `trainSentencesPerSec`
 * (train-threads.ts) or `inferSentencesPerSec` (onnx.ts), and optionally `peakRssMiB` (its VmHWM).
 * onnx.ts also takes `--workers N` in place of `--threads N`.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { lastJson, lastLine, type Outcome, type Shape, threadEnv } from './torch.ts';

export interface PeerResult {
  sentencesPerSec: number;
  peakRssMiB?: number;
}

export type PeerScript = 'train-threads.ts' | 'onnx.ts';
/** `--threads N` (one process, N threads), or `--workers N` (onnx.ts: N workers of one thread each). */
export type PeerFlag = 'threads' | 'workers';
const KEY: Record<PeerScript, string> = { 'train-threads.ts': 'trainSentencesPerSec', 'onnx.ts': 'inferSentencesPerSec' };

export function runPeer(script: PeerScript, shape: Shape, threads: number, flag: PeerFlag = 'threads', dir = import.meta.dirname): Outcome<PeerResult> {
  const file = join(dir, script);
  if (!existsSync(file)) return { ok: false, reason: `bench/${script} not present` };
  const args = [
    '--import',
    'tsx',
    file,
    `--${flag}`,
    String(threads),
    '--preset',
    'paper',
    '--B',
    String(shape.B),
    '--n',
    String(shape.n),
    '--relations',
    String(shape.relations),
    '--K',
    String(shape.K),
  ];
  const r = spawnSync(process.execPath, args, { encoding: 'utf8', env: threadEnv(threads), timeout: 900_000 });
  if (r.error) return { ok: false, reason: r.error.message };
  if (r.status !== 0) return { ok: false, reason: `bench/${script} exit ${r.status}: ${lastLine(r.stderr)}` };
  const out = lastJson(r.stdout);
  const speed = out?.[KEY[script]];
  if (typeof speed !== 'number') return { ok: false, reason: `bench/${script} printed no ${KEY[script]}` };
  const peak = out?.peakRssMiB;
  return { ok: true, value: { sentencesPerSec: speed, ...(typeof peak === 'number' ? { peakRssMiB: peak } : {}) } };
}
