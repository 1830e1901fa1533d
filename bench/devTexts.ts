/** The WebNLG dev texts as a person would type them (no space before punctuation), for the extraction benches. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { readJson } from '../src/data/files.ts';

/** BENCH_DATA, else ../shared/data's WebNLG exact dev set; `fallback` when that file is absent (else an error). */
export function devTexts(fallback?: string[]): string[] {
  const data = process.env.BENCH_DATA ?? join(import.meta.dirname, '../../shared/data/webnlg-exact/dev_triples.json.gz');
  if (fallback && !existsSync(data)) return fallback;
  return (readJson(data) as { text: string }[]).map((r) => r.text.replace(/ ([.,;:!?)'])/g, '$1').replace(/\( /g, '('));
}
