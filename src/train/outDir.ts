/**
 * The output folder's rule: a new run never silently replaces a trained model, and --resume
 * never silently starts afresh.
 */
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../core/errors.ts';
import { hasCheckpoint } from './checkpoint.ts';

export interface OutOptions {
  resume: boolean;
  /** Replace an earlier run's model, checkpoint and metrics in the folder. */
  overwrite: boolean;
}

/** What an earlier run left in `out` (model, checkpoint). */
function earlierRun(out: string): string[] {
  return [join(out, 'model'), join(out, 'checkpoint')].filter((d) => existsSync(d));
}

/** Before any work: is `out` usable as asked? Returns the checkpoint folder. */
export function checkOut(out: string, o: OutOptions): string {
  const ckDir = join(out, 'checkpoint');
  if (o.resume && o.overwrite) throw new UserError(`--resume continues the run in ${out} and --overwrite replaces it: give one of them`);
  if (o.resume && !hasCheckpoint(ckDir)) throw new UserError(`no checkpoint in ${ckDir}; drop --resume to start a new run`);
  const held = earlierRun(out);
  if (!o.resume && !o.overwrite && held.length)
    throw new UserError(`${out} already holds a model from an earlier run (${held.join(', ')}); --resume continues that run, --overwrite replaces it, or choose another --out`);
  return ckDir;
}

/**
 * Once the run is set up (data read, model built), make `out` its own: with overwrite, the
 * earlier run's files go — only now, so a typo in a data path does not cost the old model.
 */
export function claimOut(out: string, o: OutOptions, log: (line: string) => void): void {
  if (!o.resume && o.overwrite && earlierRun(out).length) {
    // Only what a run writes: the folder may hold other files (data splits, logs).
    for (const f of ['model', 'checkpoint', 'metrics.jsonl']) rmSync(join(out, f), { recursive: true, force: true });
    log(`note: --overwrite: removed the earlier run's model, checkpoint and metrics from ${out}`);
  }
  mkdirSync(out, { recursive: true });
}
