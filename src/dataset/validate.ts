/**
 * Checking a dataset file before training on it: the loaders' problems (every one, with its
 * record or line), counts by kind, and whether the file can be used as it is. Training and
 * evaluation read files through the same loaders, so they meet the same checks.
 */
import { type LoadOptions, type LoadedDataset, loadDataset, where } from './load.ts';
import type { KindedProblem } from './spert.ts';
import { overlaps, sentenceEntities } from '../core/types.ts';

export interface Validation {
  file: string;
  format: LoadedDataset['format'];
  records: number;
  kept: number;
  skipped: number;
  sentences: number;
  tokens: number;
  /** Entities (listed ones, or for CasRel/Zeng the triples' subjects and objects), each once. */
  entities: number;
  relations: number;
  /** Pairs of entities of one sentence that overlap (nested or crossing), and the sentences with any. */
  overlaps: { pairs: number; sentences: number };
  entityTypes: Record<string, number>;
  relationTypes: Record<string, number>;
  declared: { entityTypes?: string[]; relations?: string[]; symmetric?: string[] };
  problemsByKind: Record<string, number>;
  problems: { where: string; record: number; kind: string; action: 'skipped' | 'kept'; message: string }[];
  notes: string[];
  /** False when the file cannot be used as it is: no usable record, or any record skipped. */
  usable: boolean;
  reasons: string[];
}

const bump = (m: Record<string, number>, k: string) => void (m[k] = (m[k] ?? 0) + 1);

/** Counts and verdict for a loaded dataset. */
export function validateDataset(ds: LoadedDataset): Validation {
  const r = ds.report;
  const entityTypes: Record<string, number> = {};
  const relationTypes: Record<string, number> = {};
  let tokens = 0,
    entities = 0,
    relations = 0,
    pairs = 0,
    overlapping = 0;
  for (const s of ds.sentences) {
    tokens += s.tokens.length;
    const ents = sentenceEntities(s);
    entities += ents.length;
    for (const e of ents) if (e.type !== undefined) bump(entityTypes, e.type);
    relations += s.triples.length;
    for (const t of s.triples) bump(relationTypes, t.relation);
    let here = 0;
    for (let i = 0; i < ents.length; i++) for (let j = i + 1; j < ents.length; j++) if (overlaps(ents[i], ents[j])) here++;
    pairs += here;
    if (here) overlapping++;
  }
  const problemsByKind: Record<string, number> = {};
  const problems = r.problems.map((p) => {
    // CasRel and Zeng problems carry no kind: a skipped record, or a triple left out.
    const kind = (p as Partial<KindedProblem>).kind ?? (p.action === 'skipped' ? 'record skipped' : 'triple left out');
    bump(problemsByKind, kind);
    return { where: where(ds, p), record: p.record, kind, action: p.action, message: p.message };
  });
  const reasons: string[] = [];
  if (!r.kept) reasons.push('no usable record');
  if (r.skipped) reasons.push(`${r.skipped} of ${r.records} records skipped`);
  return {
    file: r.file,
    format: ds.format,
    records: r.records,
    kept: r.kept,
    skipped: r.skipped,
    sentences: ds.sentences.length,
    tokens,
    entities,
    relations,
    overlaps: { pairs, sentences: overlapping },
    entityTypes,
    relationTypes,
    declared: { entityTypes: ds.entityTypes, relations: ds.relations, symmetric: ds.symmetric },
    problemsByKind,
    problems,
    notes: r.notes,
    usable: reasons.length === 0,
    reasons,
  };
}

/** Load `file` and validate it; a file that cannot be read at all throws the loader's UserError. */
export function validateFile(file: string, opts: LoadOptions = {}): Validation {
  return validateDataset(loadDataset(file, opts));
}

const counts = (m: Record<string, number>) =>
  Object.entries(m)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([k, n]) => `${k} ${n}`)
    .join(', ');

/** The human report: summary counts, every problem, then notes and the verdict. */
export function describeValidation(v: Validation): string {
  const lines = [
    `${v.file} (${v.format}): ${v.records} records, ${v.kept} usable, ${v.skipped} skipped`,
    `  sentences ${v.sentences}, tokens ${v.tokens}, entities ${v.entities}, relations ${v.relations}`,
    `  overlapping entities: ${v.overlaps.pairs} pairs in ${v.overlaps.sentences} sentences`,
  ];
  const nTypes = Object.keys(v.entityTypes).length;
  lines.push(nTypes ? `  entity types (${nTypes}): ${counts(v.entityTypes)}` : '  entity types: none (untyped entities)');
  lines.push(`  relation types (${Object.keys(v.relationTypes).length}): ${counts(v.relationTypes) || 'none'}`);
  const unusedTypes = (v.declared.entityTypes ?? []).filter((t) => !(t in v.entityTypes));
  const unusedRels = (v.declared.relations ?? []).filter((t) => !(t in v.relationTypes));
  if (unusedTypes.length || unusedRels.length) lines.push(`  declared but not used here: ${[...unusedTypes, ...unusedRels].join(', ')}`);
  if (v.declared.symmetric?.length) lines.push(`  symmetric relations: ${v.declared.symmetric.join(', ')}`);
  lines.push(`  problems (${v.problems.length}): ${counts(v.problemsByKind) || 'none'}`);
  for (const p of v.problems) lines.push(`${p.where}: ${p.message} (${p.action})`);
  for (const n of v.notes) lines.push(`note: ${n}`);
  lines.push(v.usable ? `${v.file}: usable${v.problems.length ? ' (the problems above were kept or left out part by part)' : ''}` : `${v.file}: NOT usable as is: ${v.reasons.join('; ')}`);
  return lines.join('\n');
}
