/** Load any supported dataset file, detecting its format, and report what was kept and skipped. */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { type CasrelStats, parseCasrel, parseRel2id } from './casrel.ts';
import { readJson } from './files.ts';
import { type Dataset, type Problem, type Sentence, type SpanKind, UserError } from './types.ts';
import { isZeng, parseZeng } from './zeng.ts';

export type Format = 'auto' | 'casrel' | 'zeng';

export interface LoadOptions {
  format?: Format;
  /** 'auto': 'full' when any entity has more than one word, else 'head'. */
  spans?: SpanKind | 'auto';
}

export function loadDataset(file: string, opts: LoadOptions = {}): Dataset {
  const data = readJson(file);
  const problems: Problem[] = [];
  let format = opts.format ?? 'auto';
  if (format === 'auto') format = isZeng(data) ? 'zeng' : 'casrel';
  let sentences: (Sentence | null)[];
  let relations: string[] | undefined;
  const notes: string[] = [];
  if (format === 'zeng') {
    if (!isZeng(data)) throw new UserError(`${file}: not in Zeng's id format ([sentences, triples])`);
    ({ sentences, relations } = parseZeng(file, data as unknown[], problems));
  } else {
    if (!Array.isArray(data)) throw new UserError(`${file}: expected a JSON array of {"text", "triple_list"} records`);
    const stats: CasrelStats = { ambiguous: 0, folded: 0 };
    sentences = parseCasrel(file, data, problems, stats);
    if (stats.ambiguous) notes.push(`${stats.ambiguous} triples name a word that occurs more than once; the closest subject-object pair was taken`);
    if (stats.folded) notes.push(`${stats.folded} entities matched their sentence only after removing accents and case`);
    const rel2id = join(dirname(file), 'rel2id.json');
    if (existsSync(rel2id)) relations = parseRel2id(readJson(rel2id));
  }
  const kept = sentences.filter((s): s is Sentence => s !== null);
  let spans: SpanKind;
  if (format === 'zeng') spans = 'head';
  else if (opts.spans && opts.spans !== 'auto') spans = opts.spans;
  else spans = kept.some((s) => s.triples.some((t) => t.subject.end - t.subject.start > 1 || t.object.end - t.object.start > 1)) ? 'full' : 'head';
  const records = sentences.length;
  return {
    file,
    sentences: kept,
    spans,
    relations,
    report: { file, records, kept: kept.length, skipped: records - kept.length, problems, notes },
  };
}

/** A short human summary of a load report: counts, then up to `max` problems. */
export function describeReport(d: Dataset, max = 10): string {
  const r = d.report;
  const lines = [`${r.file}: ${r.records} records, ${r.kept} kept, ${r.skipped} skipped, ${r.problems.length} problems`];
  for (const p of r.problems.slice(0, max)) lines.push(`  record ${p.record}: ${p.message} (${p.action})`);
  if (r.problems.length > max) lines.push(`  ... and ${r.problems.length - max} more of the same kinds`);
  for (const n of r.notes) lines.push(`  note: ${n}`);
  return lines.join('\n');
}
