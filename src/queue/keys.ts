/** Where a queue's state lives in Redis: BullMQ's queue, and rin's record of each corpus added to it. */
import { UserError } from '../core/errors.ts';

/** --name: letters, digits, - and _ (BullMQ keys use ':' as separator). */
export function checkName(name: string): string {
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(name)) throw new UserError(`--name must be 1 to 64 letters, digits, - or _, got "${name}"`);
  return name;
}

export const queueName = (name: string) => `rin-${name}`;
/** Hash: corpus id → JSON CorpusInfo. */
export const corporaKey = (name: string) => `rin:${name}:corpora`;
/** Sorted set of a corpus's job ids, scored by their first line. */
export const jobsKey = (name: string, corpus: string) => `rin:${name}:corpus:${corpus}:jobs`;

export interface CorpusInfo {
  file: string;
  /** Lines of the corpus, jobs it makes, lines a job. */
  lines: number;
  jobs: number;
  jobLines: number;
  addedAt: string;
}
