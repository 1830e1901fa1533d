/** Load any supported dataset file, detecting its format, and report what was kept and skipped. */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { type CasrelStats, parseCasrel, parseRel2id } from './casrel.ts';
import { invalidUtf8Lines, readBytes, readJson, readText } from '../core/files.ts';
import { describeJsonlStats, newJsonlStats, parseJsonl, parseJsonlRecord } from './jsonl.ts';
import { type KindedProblem, SHAPE_NAMES, findTypesFile, inventoryOf, parseSpert, readTypes, recordShape } from './spert.ts';
import { canonicalSymmetric } from './symmetric.ts';
import type { Dataset, Problem, Sentence, SpanKind } from '../core/types.ts';
import { UserError } from '../core/errors.ts';
import { isZeng, parseZeng } from './zeng.ts';

/** The formats read (`auto`: detected from the file); FORMAT_READERS below reads each. */
export const FORMATS = ['auto', 'casrel', 'zeng', 'spert', 'jsonl'] as const;
export type Format = (typeof FORMATS)[number];

export interface LoadOptions {
  format?: Format;
  /** 'auto': 'full' when any entity has more than one word, else 'head'. SpERT and JSONL are always 'full'. */
  spans?: SpanKind | 'auto';
}

/** A loaded dataset and the format it was read as (JSONL problems are numbered by line). */
export interface LoadedDataset extends Dataset {
  format: Exclude<Format, 'auto'>;
  /** Records are lines (1-based) rather than array indexes (0-based). */
  byLine: boolean;
}

/** Lines that are not valid UTF-8: readText decodes bad bytes to U+FFFD silently, so we look only when one is there. */
function badUtf8Lines(file: string, text: string): number[] {
  return text.includes('\uFFFD') ? invalidUtf8Lines(readBytes(file)) : [];
}

/** The 0-based top-level array element that character `offset` falls in, or -1. */
function recordAt(text: string, offset: number): number {
  let depth = 0,
    record = -1,
    inValue = false,
    inString = false;
  for (let i = 0; i < Math.min(offset, text.length); i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (depth === 1 && !inValue && !/[\s,\]]/.test(c)) {
      record++;
      inValue = true;
    }
    if (c === '"') inString = true;
    else if (c === '[' || c === '{') depth++;
    else if (c === ']' || c === '}') depth--;
    else if (c === ',' && depth === 1) inValue = false;
  }
  return text.trimStart().startsWith('[') ? record : -1;
}

/** JSON.parse; on failure, readJson's message (line and column) plus the record it falls in. */
function parseJson(file: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    try {
      readJson(file); // only on the error path: its message places the error by line and column
    } catch (e) {
      let msg = (e as Error).message;
      const m = /line (\d+), column (\d+)/.exec(msg);
      if (m) {
        const lineStart = text
          .split('\n')
          .slice(0, Number(m[1]) - 1)
          .reduce((n, l) => n + l.length + 1, 0);
        const offset = lineStart + Number(m[2]) - 1;
        const rec = recordAt(text, offset);
        if (rec >= 0) msg += ` (in record ${rec}, counting from 0)`;
        if (offset >= text.trimEnd().length && !/truncated/.test(msg)) msg += ': the file ends there, is it truncated?';
      }
      if (text.trimStart().startsWith('{')) msg += ' — it looks like JSONL: use --format jsonl';
      throw new UserError(msg);
    }
    throw new UserError(`${file}: malformed JSON`); // readJson parsed what JSON.parse did not: the BOM we removed
  }
}

/** One JSON value over several lines (a pretty-printed object): a JSON file, not JSON lines. */
function isJsonDocument(text: string): boolean {
  if (!text.trim().includes('\n')) return false;
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** The format of parsed JSON data: Zeng's id lists, else by the first record's fields. */
function detect(data: unknown): Exclude<Format, 'auto'> {
  if (isZeng(data)) return 'zeng';
  if (!Array.isArray(data)) return 'casrel';
  const first = data.find((r) => typeof r === 'object' && r !== null && !Array.isArray(r));
  const shape = recordShape(first);
  // A text record without triple_list but with entities is JSONL records in a JSON array.
  if (shape === 'jsonl' && !('entities' in first || 'relations' in first)) return 'casrel';
  return shape ?? 'casrel';
}

/** What a reader gets: the file, its text, its JSON (parsed on first use), and where problems and notes go. */
interface ReadContext {
  file: string;
  text: string;
  json(): unknown;
  /** Lines that are not valid UTF-8 (JSON lines reports them per line; the others refuse the file). */
  badLines: number[];
  problems: Problem[];
  notes: string[];
  /** The entity and relation types of a types file next to the data, if there is one. */
  types(): ReturnType<typeof readTypes> | undefined;
}

interface Parsed {
  sentences: (Sentence | null)[];
  relations?: string[];
  entityTypes?: string[];
  symmetric?: string[];
  /** Records are lines (1-based) rather than array indexes (0-based). */
  byLine?: boolean;
}

/** One format: how to read it, and the spans its records give (undefined: decided from the data). */
interface FormatReader {
  spans?: SpanKind;
  read(c: ReadContext): Parsed;
}

export const FORMAT_READERS: Record<Exclude<Format, 'auto'>, FormatReader> = {
  zeng: {
    spans: 'head', // Zeng et al.'s ids give last words only
    read(c) {
      const data = c.json();
      if (!isZeng(data)) throw new UserError(`${c.file}: not in Zeng's id format ([sentences, triples])`);
      return parseZeng(c.file, data as unknown[], c.problems);
    },
  },
  spert: { spans: 'full', read: (c) => parseSpert(c.file, c.json(), c.problems, c.types()) },
  jsonl: {
    spans: 'full',
    read(c) {
      const inv = c.types();
      if (c.text.trimStart()[0] !== '[') {
        const r = parseJsonl(c.file, c.text, c.problems, new Set(c.badLines), inv);
        c.notes.push(...r.notes);
        return { sentences: r.sentences, ...inventoryOf(r.sentences, inv), byLine: true };
      }
      const data = c.json(); // JSONL records in one JSON array
      if (!Array.isArray(data)) throw new UserError(`${c.file}: expected JSON lines, or a JSON array of {"text", "entities", "relations"} records`);
      const stats = newJsonlStats();
      const sentences = data.map((rec, r) => parseJsonlRecord(c.file, r, rec, c.problems, stats, inv));
      c.notes.push(...describeJsonlStats(stats));
      return { sentences, ...inventoryOf(sentences, inv) };
    },
  },
  casrel: { read: (c) => loadCasrel(c.file, c.json(), c.problems, c.notes) },
};

/** The format of a file: JSON lines by their look or name, else from its parsed JSON. */
function formatOf(file: string, c: ReadContext): Exclude<Format, 'auto'> {
  const first = c.text.trimStart()[0];
  if ((first === '{' && !isJsonDocument(c.text)) || (/\.jsonl(\.gz)?$/i.test(file) && first !== '[')) return 'jsonl';
  return detect(c.json());
}

/**
 * Read, detect the format, parse and check a dataset file. Every record problem is in the
 * report; a file that cannot be read at all (missing, truncated JSON) is a UserError.
 */
export function loadDataset(file: string, opts: LoadOptions = {}): LoadedDataset {
  let text = readText(file);
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1); // a byte order mark is not content
  const badLines = badUtf8Lines(file, text);
  let data: unknown;
  let parsed = false;
  const c: ReadContext = {
    file,
    text,
    badLines,
    problems: [],
    notes: [],
    json() {
      if (badLines.length)
        throw new UserError(
          `${file}: not valid UTF-8 text (first at line ${badLines[0]}; ${badLines.length} lines in all). Is it Latin-1 or Windows-1252? Re-save it as UTF-8, e.g. iconv -f latin1 -t utf-8`,
        );
      if (!parsed) [data, parsed] = [parseJson(file, text), true];
      return data;
    },
    types() {
      const typesFile = findTypesFile(file);
      const inv = typesFile ? readTypes(typesFile) : undefined;
      if (inv) c.notes.push(`entity and relation types from ${inv.file}`);
      return inv;
    },
  };
  const format = !opts.format || opts.format === 'auto' ? formatOf(file, c) : opts.format;
  const reader = FORMAT_READERS[format];
  const { sentences, relations, entityTypes, symmetric, byLine = false } = reader.read(c);
  const kept = sentences.filter((s): s is Sentence => s !== null);
  const canonical = canonicalSymmetric(kept, symmetric);
  if (canonical) c.notes.push(canonical);
  if (entityTypes) {
    const untyped = kept.reduce((n, s) => n + (s.entities ?? []).filter((e) => e.type === undefined).length, 0);
    if (untyped) c.notes.push(`${untyped} entities have no type while others do; training leaves them untagged`);
  }
  const records = sentences.length;
  return {
    file,
    format,
    byLine,
    sentences: kept,
    spans: spansOf(reader, opts.spans, kept),
    relations,
    entityTypes,
    symmetric,
    report: { file, records, kept: kept.length, skipped: records - kept.length, problems: c.problems, notes: c.notes },
  };
}

/** The format's own spans (Zeng: always last words), else the option, else whole spans when any entity has several words. */
function spansOf(reader: FormatReader, given: LoadOptions['spans'], kept: Sentence[]): SpanKind {
  if (reader.spans === 'head') return 'head';
  if (given && given !== 'auto') return given;
  if (reader.spans) return reader.spans;
  return kept.some((s) => s.triples.some((t) => t.subject.end - t.subject.start > 1 || t.object.end - t.object.start > 1)) ? 'full' : 'head';
}

/** CasRel records; records of another format in the array are reported as such (parseCasrel would call them empty). */
function loadCasrel(file: string, data: unknown, problems: Problem[], notes: string[]): { sentences: (Sentence | null)[]; relations?: string[] } {
  if (!Array.isArray(data)) throw new UserError(`${file}: expected a JSON array of {"text", "triple_list"} records`);
  const foreign = new Map<number, string>();
  data.forEach((rec, r) => {
    const shape = recordShape(rec);
    // A JSONL-shaped record ({"text", "entities"}) would be read as an unannotated sentence: not quietly.
    if (shape === 'spert' || (shape === 'jsonl' && ('entities' in (rec as object) || 'relations' in (rec as object)))) foreign.set(r, `record looks like ${SHAPE_NAMES[shape]}, not CasRel`);
  });
  const own: Problem[] = [];
  const stats: CasrelStats = { ambiguous: 0, folded: 0 };
  const sentences = parseCasrel(file, foreign.size ? data.map((rec, r) => (foreign.has(r) ? null : rec)) : data, own, stats);
  for (const p of own) {
    const msg = foreign.get(p.record);
    problems.push(msg ? ({ ...p, message: msg, kind: 'other format' } as KindedProblem) : p);
  }
  if (stats.ambiguous) notes.push(`${stats.ambiguous} triples name a word that occurs more than once; the closest subject-object pair was taken`);
  if (stats.folded) notes.push(`${stats.folded} entities matched their sentence only after removing accents and case`);
  const rel2id = join(dirname(file), 'rel2id.json');
  return { sentences, relations: existsSync(rel2id) ? parseRel2id(readJson(rel2id)) : undefined };
}

/** "record 3" or, for a JSONL file, "line 4". */
export function where(d: { byLine?: boolean }, p: Problem): string {
  return p.record < 0 ? 'file' : `${d.byLine ? 'line' : 'record'} ${p.record}`;
}

/** A short human summary of a load report: counts, then up to `max` problems. */
export function describeReport(d: Dataset & { byLine?: boolean }, max = 10): string {
  const r = d.report;
  const lines = [`${r.file}: ${r.records} records, ${r.kept} kept, ${r.skipped} skipped, ${r.problems.length} problems`];
  for (const p of r.problems.slice(0, max)) lines.push(`  ${where(d, p)}: ${p.message} (${p.action})`);
  if (r.problems.length > max) lines.push(`  ... and ${r.problems.length - max} more (rin validate ${r.file} lists them all)`);
  for (const n of r.notes) lines.push(`  note: ${n}`);
  return lines.join('\n');
}
