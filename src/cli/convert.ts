/** `rin convert`: a dataset file in one format → another, written atomically, with what was lost. */
import { resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { FORMATS, describeReport, loadDataset } from '../dataset/load.ts';
import { UserError } from '../core/errors.ts';
import { OUTPUT_FORMATS, writeDataset } from '../dataset/write.ts';
import { writeFileAtomic } from '../core/atomic.ts';
import { choice, parse, required } from './args.ts';

export const convertHelp = `rin convert — convert a dataset file to another format

usage: rin convert [--from F] --to casrel|spert|jsonl IN OUT

  --from F      format of IN: auto | casrel | zeng | spert | jsonl (default auto)
  --to F        casrel | spert | jsonl
  IN, OUT       files; OUT ending in .gz is gzipped

  casrel   [{"text": "tokens joined by spaces", "triple_list": [["subject words", "relation", "object words"]]}]
           lossy: entity types and entities in no relation are lost (a warning gives counts)
  spert    [{"tokens", "entities": [{"type", "start", "end"}], "relations": [{"type", "head", "tail"}]}]
  jsonl    one {"text", "entities": [{"start", "end", "type"}], "relations": [{"head", "tail", "type"}]} a line;
           text = the tokens joined by single spaces, offsets in characters (code points), end exclusive

Records the reader skips are reported and not written. OUT is written whole and renamed into
place: on any error no OUT is left behind. rin validate IN lists every problem.
`;

export async function convertCommand(argv: string[]): Promise<void> {
  const { values: v, positionals } = parse('convert', argv, { from: { type: 'string' }, to: { type: 'string' } });
  if (v.help) return void process.stdout.write(convertHelp);
  const to = choice('to', required('convert', 'to', v.to), OUTPUT_FORMATS)!;
  const from = choice('from', v.from, FORMATS);
  if (positionals.length !== 2) throw new UserError(`expected IN and OUT files, got ${positionals.length} arguments (see rin convert --help)`);
  const [input, out] = positionals;
  if (resolve(input) === resolve(out)) throw new UserError(`OUT is IN (${input}); write to another file`);
  const ds = loadDataset(input, { format: from });
  process.stderr.write(describeReport(ds) + '\n');
  if (!ds.sentences.length) throw new UserError(`${input}: no usable record; nothing written`);
  const w = writeDataset(ds.sentences, to);
  writeFileAtomic(out, out.endsWith('.gz') ? gzipSync(w.text) : w.text); // on failure a UserError naming OUT; nothing left
  for (const warning of w.warnings) process.stderr.write(`warning: ${warning}\n`);
  const r = ds.report;
  process.stderr.write(`${input} (${ds.format}) → ${out} (${to}): ${r.records} records in, ${w.records} out, ${r.skipped} skipped, ${r.problems.length} problems\n`);
}
