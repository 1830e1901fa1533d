/** The WebNLG dev texts as a person would type them (no space before punctuation), for the extraction benches. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { readJson } from '../src/core/files.ts';

/** BENCH_DATA, else ../shared/data's WebNLG exact dev set; `fallback` when that file is absent (else an error). */
export function devTexts(fallback?: string[]): string[] {
  const data = process.env.BENCH_DATA ?? join(import.meta.dirname, '../../shared/data/webnlg-exact/dev_triples.json.gz');
  if (fallback && !existsSync(data)) return fallback;
  return (readJson(data) as { text: string }[]).map((r) => r.text.replace(/ ([.,;:!?)'])/g, '$1').replace(/\( /g, '('));
}

/**
 * All texts through a pool of `workers` workers as rin extract --jsonl sends them: jobs of 32
 * texts, two per worker in flight. Returns the run, to be timed.
 */
export function pooledRun(pool: { extract(texts: string[]): Promise<unknown> }, texts: string[], workers: number): () => Promise<void> {
  const jobs = Array.from({ length: Math.ceil(texts.length / 32) }, (_, k) => texts.slice(32 * k, 32 * k + 32));
  return async () => {
    let next = 0;
    const lane = async () => {
      while (next < jobs.length) await pool.extract(jobs[next++]);
    };
    await Promise.all(Array.from({ length: 2 * workers }, lane));
  };
}
