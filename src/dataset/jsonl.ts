/**
 * Plain JSONL with character offsets, the easiest shape for users' own data: one record a line,
 *   {"text": "...", "entities": [{"start", "end", "type"?}], "relations": [{"head", "tail", "type"}]}
 * `end` exclusive; head/tail index into `entities`. Offsets count Unicode code points (what
 * Python's len() and slicing count), not UTF-16 units, so files from Python tools line up.
 * The text is tokenised by splitText; all its sentences form ONE token sequence (a record is one
 * model input), and tokens are cut at entity boundaries so every entity is a run of whole tokens.
 */
import { utf16Offsets } from '../text/offsets.ts';
import { splitText, type TextToken } from '../text/split.ts';
import { type KindedProblem, type ProblemKind, SHAPE_NAMES, type TypeInventory, buildSentence, readParts, recordShape } from './spert.ts';
import type { Problem, Sentence } from '../core/types.ts';

/** Counts of quiet normalisations, reported as notes. */
export interface JsonlStats {
  /** Extra tokens made by cutting a word at an entity boundary ("Aspirin-induced" → "Aspirin" "-induced"). */
  cuts: number;
  cutExample?: string;
  /** Entities whose span began or ended in spaces (the spaces are not part of any token). */
  trimmed: number;
}

export function newJsonlStats(): JsonlStats {
  return { cuts: 0, trimmed: 0 };
}

/** Cut tokens at every entity boundary that falls inside one. */
function cutTokens(tokens: TextToken[], cuts: number[], stats: JsonlStats): TextToken[] {
  const sorted = [...new Set(cuts)].sort((a, b) => a - b);
  const out: TextToken[] = [];
  for (const t of tokens) {
    let start = t.start;
    for (const c of sorted) {
      if (c <= start || c >= t.end) continue;
      out.push({ text: t.text.slice(start - t.start, c - t.start), start, end: c });
      start = c;
      stats.cuts++;
      stats.cutExample ??= `"${t.text}" → ${out.at(-1)!.text} ${t.text.slice(c - t.start)}`;
    }
    out.push(start === t.start ? t : { text: t.text.slice(start - t.start), start, end: t.end });
  }
  return out;
}

/**
 * One JSONL record (already parsed) → a Sentence, or null when skipped. `record` is the line
 * number (1-based) for a JSONL file, the array index for a JSON array of such records.
 */
export function parseJsonlRecord(file: string, record: number, rec: unknown, problems: Problem[], stats: JsonlStats, inventory?: TypeInventory): Sentence | null {
  const skip = (kind: ProblemKind, message: string): null => {
    problems.push({ file, record, message, action: 'skipped', kind } as KindedProblem);
    return null;
  };
  if (typeof rec !== 'object' || rec === null || Array.isArray(rec)) return skip('not an object', `record is not an object (got ${JSON.stringify(rec)?.slice(0, 40)})`);
  const r = rec as Record<string, unknown>;
  const shape = recordShape(r);
  // A SpERT or CasRel record here would lose its annotation quietly: say what it looks like.
  if ((shape === 'spert' && !('text' in r)) || (shape === 'casrel' && !('entities' in r))) return skip('other format', `record looks like ${SHAPE_NAMES[shape]}, not JSONL`);
  const { text } = r;
  if (typeof text !== 'string') return skip('wrong field type', `"text" is ${text === undefined ? 'missing' : 'not a string'}`);
  if (!text.trim()) return skip('empty', 'empty text');
  const parts = readParts(r);
  if (typeof parts === 'string') return skip('wrong field type', parts);
  const units = utf16Offsets(text);
  const length = units ? units.length - 1 : text.length;
  const at = (cp: number) => (units ? units[cp] : cp);
  const label = (k: number) => {
    const e = parts.entities[k];
    return `entity ${k} (${e.type ? e.type + ' ' : ''}"${text.slice(at(e.start), at(e.end))}", characters ${e.start}-${e.end})`;
  };
  for (const [k, e] of parts.entities.entries()) {
    if (e.start >= e.end) return skip('empty span', `entity ${k}: start ${e.start} is not before end ${e.end} (end is exclusive)`);
    if (e.start < 0 || e.end > length) return skip('span out of range', `entity ${k}: characters ${e.start}-${e.end} are outside the text (${length} characters)`);
  }
  const spans = parts.entities.map((e) => ({ start: at(e.start), end: at(e.end) }));
  const words = cutTokens(
    splitText(text).flatMap((s) => s.tokens),
    spans.flatMap((s) => [s.start, s.end]),
    stats,
  );
  if (!words.length) return skip('empty', 'the text has no words');
  const entities = [];
  for (const [k, sp] of spans.entries()) {
    // Tokens never straddle a boundary now, so an entity is the run of tokens inside its span.
    const first = words.findIndex((w) => w.start >= sp.start && w.end <= sp.end);
    if (first < 0) return skip('empty span', `${label(k)} covers no word, only spaces`);
    let end = first;
    while (end < words.length && words[end].end <= sp.end) end++;
    if (words[first].start !== sp.start || words[end - 1].end !== sp.end) stats.trimmed++;
    entities.push({ ...parts.entities[k], start: first, end });
  }
  const tokens = words.map((w) => w.text);
  return buildSentence(tokens, entities, parts.relations, { file, record, problems, inventory, label });
}

/** Where a JSON.parse error is, as a column of the line. */
function jsonError(line: string, e: Error): string {
  const m = /position (\d+)/.exec(e.message);
  if (/end of JSON input/.test(e.message) || (m && Number(m[1]) >= line.length)) return `not valid JSON: the line ends before its value does (truncated?)`;
  return `not valid JSON at column ${m ? Number(m[1]) + 1 : '?'}: ${e.message}`;
}

/**
 * Parse a JSONL file's text. Blank lines are skipped; a line that is not JSON (or is in
 * `badUtf8`, lines whose bytes are not UTF-8) is a skipped record with its 1-based line number.
 */
export function parseJsonl(file: string, text: string, problems: Problem[], badUtf8: Set<number> = new Set(), inventory?: TypeInventory): { sentences: (Sentence | null)[]; notes: string[] } {
  const stats = newJsonlStats();
  const sentences: (Sentence | null)[] = [];
  const lines = text.split('\n');
  for (let k = 0; k < lines.length; k++) {
    const line = lines[k].replace(/\r$/, '');
    if (!line.trim()) continue;
    const no = k + 1;
    const skip = (kind: ProblemKind, message: string) => {
      problems.push({ file, record: no, message, action: 'skipped', kind } as KindedProblem);
      sentences.push(null);
    };
    if (badUtf8.has(no)) {
      skip('not UTF-8', 'the line is not valid UTF-8 (a Latin-1 or Windows-1252 file? re-save it as UTF-8, e.g. iconv -f latin1 -t utf-8)');
      continue;
    }
    let rec: unknown;
    try {
      rec = JSON.parse(line);
    } catch (e) {
      skip('not JSON', jsonError(line, e as Error));
      continue;
    }
    sentences.push(parseJsonlRecord(file, no, rec, problems, stats, inventory));
  }
  return { sentences, notes: describeJsonlStats(stats) };
}

export function describeJsonlStats(stats: JsonlStats): string[] {
  const notes: string[] = [];
  if (stats.cuts) notes.push(`${stats.cuts} words were cut at an entity boundary so that entities are whole tokens (e.g. ${stats.cutExample})`);
  if (stats.trimmed) notes.push(`${stats.trimmed} entity spans began or ended with spaces; the spaces were left out`);
  return notes;
}
