/** --workers N of rin extract and rin serve. */
import { availableParallelism } from 'node:os';
import { UserError } from '../core/errors.ts';

/** A whole number ≥ 1; default one per core. */
export function workerCount(v: string | undefined): number {
  if (v === undefined) return availableParallelism();
  const n = Number(v);
  if (!(Number.isInteger(n) && n >= 1)) throw new UserError(`--workers must be a whole number ≥ 1, got "${v}"`);
  return n;
}
