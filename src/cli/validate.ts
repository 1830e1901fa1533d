/** `rin validate`: check a dataset file and report every problem; non-zero exit when unusable. */
import { type Validation, describeValidation, validateFile } from '../dataset/validate.ts';
import { UserError } from '../core/errors.ts';
import { FORMATS } from '../dataset/load.ts';
import { choice, parse } from './args.ts';

export const validateHelp = `rin validate — check a dataset file before training on it

usage: rin validate FILE [--format F] [--json]

  --format F    auto | casrel | zeng | spert | jsonl (default auto)
  --json        print the report as JSON

Reads FILE with the loaders training and evaluation use, and prints every problem with its
record (JSON arrays, from 0) or line (JSONL, from 1), counts by kind (entities, relations,
overlapping entities, entity and relation types, problems per kind).

exit status: 0 when the file can be used as is (problems marked "kept" are warnings: the
record is used, the faulty part left out or kept once); 2 when it cannot be read, has no
usable record, or any record was skipped.
`;

export async function validateCommand(argv: string[]): Promise<void> {
  const { values: v, positionals } = parse('validate', argv, { format: { type: 'string' }, json: { type: 'boolean' } });
  if (v.help) return void process.stdout.write(validateHelp);
  if (positionals.length !== 1) throw new UserError(`expected one FILE, got ${positionals.length} (see rin validate --help)`);
  const [file] = positionals;
  const format = choice('format', v.format, FORMATS);
  let report: Validation;
  try {
    report = validateFile(file, { format });
  } catch (e) {
    // A file that cannot be read at all is still an answer for a --json consumer.
    if (v.json && e instanceof UserError) process.stdout.write(JSON.stringify({ file, usable: false, error: e.message }, null, 2) + '\n');
    throw e;
  }
  process.stdout.write((v.json ? JSON.stringify(report, null, 2) : describeValidation(report)) + '\n');
  if (!report.usable) throw new UserError(`${file} cannot be used as is: ${report.reasons.join('; ')} (the problems are listed above)`);
}
