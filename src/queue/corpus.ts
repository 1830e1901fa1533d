/**
 * A JSONL corpus as queue jobs of `jobLines` lines each, read as a stream (memory flat in the
 * corpus size). A job's id is the corpus's sha256 and its line range, so adding the same corpus
 * twice adds nothing twice. Lines that are not JSON records travel as error records: they are
 * answered, never a failed job.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import { UserError } from '../core/errors.ts';
import { type JsonlRecord, parseLine } from '../extract/input.ts';

/** A job's data: its lines, in order (blank lines are left out, as rin extract --jsonl does). */
export interface CorpusJob {
  id: string;
  /** First and last line numbers of the range (1-based, inclusive). */
  from: number;
  to: number;
  records: JsonlRecord[];
}

/** The corpus file's sha256, read as a stream. */
export async function corpusId(file: string): Promise<string> {
  const h = createHash('sha256');
  try {
    for await (const chunk of createReadStream(file)) h.update(chunk as Buffer);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UserError(`cannot read ${file}: ${code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
  return h.digest('hex').slice(0, 16);
}

/** The corpus's jobs, in order; gzipped files (.gz) are read through gunzip. */
export async function* corpusJobs(file: string, id: string, jobLines: number): AsyncGenerator<CorpusJob> {
  if (!Number.isInteger(jobLines) || jobLines < 1) throw new UserError(`--job-lines must be a whole number of at least 1, got ${jobLines}`);
  const raw = createReadStream(file);
  const lines = createInterface({ input: file.endsWith('.gz') ? raw.pipe(createGunzip()) : raw, crlfDelay: Number.POSITIVE_INFINITY });
  let records: JsonlRecord[] = [];
  let from = 1;
  let line = 0;
  const job = (): CorpusJob => ({ id: `${id}-${from}-${line}`, from, to: line, records });
  for await (const text of lines) {
    line++;
    const r = text.includes('\uFFFD') ? { line, error: `${file} line ${line}: not valid UTF-8 (convert the file, e.g. iconv -t UTF-8)` } : parseLine(line, text, file);
    if (r) records.push(r);
    if (line - from + 1 === jobLines) {
      yield job();
      records = [];
      from = line + 1;
    }
  }
  if (line >= from) yield job();
}
