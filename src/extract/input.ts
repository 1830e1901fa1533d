/**
 * The input of corpus-scale extraction (rin extract --jsonl, rin queue add): JSON lines, each a
 * JSON string or {"text": ..., other fields kept}. A line that is not UTF-8 or not such a record
 * becomes an error record with its line number, so every input line has its output line.
 */
import { utf8Lines } from '../core/files.ts';

/** One line of a JSONL corpus: a text (with its other fields), an error record, never dropped. */
export interface JsonlRecord {
  line: number;
  fields?: Record<string, unknown>;
  text?: string;
  error?: string;
}

/** Every non-blank line of a JSONL corpus, in order. */
export function readJsonl(bytes: Uint8Array, where: string): JsonlRecord[] {
  const out: JsonlRecord[] = [];
  for (const { line, text: raw } of utf8Lines(bytes)) {
    const r = raw === undefined ? { line, error: `${where} line ${line}: not valid UTF-8 (convert the file, e.g. iconv -t UTF-8)` } : parseLine(line, raw, where);
    if (r) out.push(r);
  }
  return out;
}

/** One JSONL line → a text to extract from, an error record, or nothing (a blank line). */
export function parseLine(line: number, raw: string, where: string): JsonlRecord | undefined {
  if (!raw.trim()) return undefined;
  let v: unknown;
  try {
    v = JSON.parse(raw);
  } catch (e) {
    return { line, error: `${where} line ${line}: not valid JSON (${(e as Error).message})` };
  }
  if (typeof v === 'string') return { line, text: v };
  if (typeof v === 'object' && v !== null && !Array.isArray(v) && typeof (v as { text?: unknown }).text === 'string') {
    const { text: t, ...fields } = v as Record<string, unknown>;
    return { line, text: t as string, fields };
  }
  return { line, error: `${where} line ${line}: expected {"text": "..."} or a JSON string` };
}
