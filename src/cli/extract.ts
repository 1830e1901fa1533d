/** `rin extract`: raw text (arguments, a file, stdin, or JSONL) → triples, as text or JSON. */
import { readFileSync } from 'node:fs';
import { UserError } from '../data/types.ts';
import type { Extraction } from '../extract/extractor.ts';
import { loadModel } from '../extract/load.ts';
import { writeFileAtomic } from '../io/atomic.ts';
import { Progress } from '../train/progress.ts';
import { num, parse } from './args.ts';

export const extractHelp = `rin extract — extract (subject, relation, object) triples from English text

usage: rin extract "TEXT" ...            one result per TEXT argument
       rin extract --file FILE           the whole file is one text (- = stdin)
       echo "TEXT" | rin extract         stdin, when there is no TEXT and no --file
       rin extract --jsonl --file in.jsonl --out out.jsonl
                                         a corpus: one {"text": "..."} (or "...") per line in,
                                         one JSON result per line out, in the same order

  --model DIR       a model directory (default: the model shipped with rin, WebNLG, 211 relations)
  --embeddings FILE the word vectors an open-vocabulary model was trained with, if not
                    the npm package or the file its model.json names
  --json            print JSON (default on a terminal: a readable view)
  --jsonl           JSON Lines in and out (see above); input fields other than "text" are kept
  --out FILE        write the output here instead of standard output (written whole, atomically)
  --threshold X     report a triple when its probability is at least X (default 0.5)
  --no-progress     no progress line on long inputs

Each result: {"text", "sentences": [{"start","end"}], "entities": [{"text","start","end"}],
"triples": [{"subject": {"text","start","end"}, "relation", "object": {...}, "score"}], "warnings"}
start/end are character offsets into the text, end exclusive.
`;

/** Bytes → text; a file that is not UTF-8 is refused, not half-read. */
function decode(bytes: Buffer, where: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new UserError(`${where}: not valid UTF-8 text (convert it first, e.g. iconv -t UTF-8)`);
  }
}

function readInput(file: string | undefined): { text: string; where: string } {
  const where = !file || file === '-' ? 'standard input' : file;
  try {
    return { text: decode(readFileSync(!file || file === '-' ? 0 : file), where), where };
  } catch (e) {
    if (e instanceof UserError) throw e;
    throw new UserError(`cannot read ${where}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
}

/** A readable view of one result. */
export function formatExtraction(r: Extraction): string {
  const lines = [r.text.trim().replace(/\s+/g, ' ')];
  if (!r.entities.length) lines.push('  (no entities found)');
  const name = (m: { text: string; type?: string }) => (m.type ? `${m.text} (${m.type})` : m.text);
  for (const t of r.triples) lines.push(`  ${name(t.subject)}  —${t.relation}→  ${name(t.object)}   (${t.score.toFixed(2)})`);
  const inTriples = new Set(r.triples.flatMap((t) => [`${t.subject.start}:${t.subject.end}`, `${t.object.start}:${t.object.end}`]));
  const alone = r.entities.filter((e) => !inTriples.has(`${e.start}:${e.end}`));
  if (alone.length) lines.push(`  entities without a relation: ${alone.map(name).join(', ')}`);
  for (const w of r.warnings) lines.push(`  warning: ${w}`);
  return lines.join('\n') + '\n';
}

interface JsonlRecord {
  line: number;
  fields?: Record<string, unknown>;
  text?: string;
  error?: string;
}

function readJsonl(text: string, where: string): JsonlRecord[] {
  const out: JsonlRecord[] = [];
  text.split('\n').forEach((raw, k) => {
    const line = k + 1;
    if (!raw.trim()) return;
    let v: unknown;
    try {
      v = JSON.parse(raw);
    } catch (e) {
      return void out.push({ line, error: `${where} line ${line}: not valid JSON (${(e as Error).message})` });
    }
    if (typeof v === 'string') return void out.push({ line, text: v });
    if (typeof v === 'object' && v !== null && !Array.isArray(v) && typeof (v as { text?: unknown }).text === 'string') {
      const { text: t, ...fields } = v as Record<string, unknown>;
      return void out.push({ line, text: t as string, fields });
    }
    out.push({ line, error: `${where} line ${line}: expected {"text": "..."} or a JSON string` });
  });
  return out;
}

export async function extractCommand(argv: string[]): Promise<void> {
  const { values: v, positionals } = parse('extract', argv, {
    model: { type: 'string' }, embeddings: { type: 'string' }, file: { type: 'string' }, json: { type: 'boolean' }, jsonl: { type: 'boolean' },
    out: { type: 'string' }, threshold: { type: 'string' }, 'no-progress': { type: 'boolean' },
  });
  if (v.help) return void process.stdout.write(extractHelp);
  if (positionals.length && v.file) throw new UserError('give TEXT arguments or --file, not both');
  if (v.jsonl && positionals.length) throw new UserError('--jsonl reads a file or stdin, not TEXT arguments');
  const threshold = num('extract', 'threshold', v.threshold);
  const x = await loadModel(v.model, { embeddings: v.embeddings, log: (l: string) => process.stderr.write(l + '\n') });
  const output: string[] = [];
  const emit = (s: string) => (v.out ? output.push(s) : process.stdout.write(s));
  let failed = 0;

  if (v.jsonl) {
    const { text, where } = readInput(v.file);
    const records = readJsonl(text, where);
    const bar = new Progress('extract', records.length, process.stderr, !v['no-progress'] && records.length >= 100);
    let done = 0;
    const results = x.extractStream((function* () {
      for (const r of records) if (r.text !== undefined) yield r.text;
    })(), { threshold });
    for (const r of records) {
      if (r.error) {
        failed++;
        process.stderr.write(r.error + ' (written as an error record)\n');
        emit(JSON.stringify({ line: r.line, error: r.error }) + '\n');
      } else {
        const res = (await results.next()).value as Extraction;
        emit(JSON.stringify({ ...r.fields, ...res }) + '\n');
      }
      bar.update(++done);
    }
  } else {
    const texts = positionals.length ? positionals : [readInput(v.file).text];
    const results = x.extract(texts, { threshold, progress: !v['no-progress'] });
    for (const r of results) emit(v.json ? JSON.stringify(r) + '\n' : formatExtraction(r));
  }
  if (v.out) {
    try {
      writeFileAtomic(v.out, output.join(''));
    } catch (e) {
      throw new UserError((e as Error).message); // names the file
    }
  }
  if (failed) throw new UserError(`${failed} input line(s) could not be read; each is an {"line", "error"} record in the output`);
}
