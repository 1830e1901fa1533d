/** Reading text and JSON files, plain or gzipped, with errors that name the file. */
import { existsSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { UserError } from './errors.ts';

export function readText(file: string): string {
  if (!existsSync(file)) throw new UserError(`${file}: no such file`);
  let buf = readFileSync(file);
  if (buf.length >= 2 && buf[0] === 0x1f && buf[1] === 0x8b) {
    try {
      buf = gunzipSync(buf);
    } catch (e) {
      throw new UserError(`${file}: corrupt gzip data (${(e as Error).message})`);
    }
  }
  return buf.toString('utf8');
}

/** Line and column (1-based) of a character offset. */
function lineCol(text: string, pos: number): string {
  const before = text.slice(0, pos);
  return `line ${before.split('\n').length}, column ${pos - before.lastIndexOf('\n')}`;
}

/**
 * Where a JSON.parse error happened. V8 gives "position N" for some errors; for the others
 * (e.g. a trailing comma) we find the shortest prefix of the text that fails for a reason other
 * than ending early: its last character is the culprit. Only runs on the error path.
 */
function errorPlace(text: string, msg: string): string {
  const m = /position (\d+)/.exec(msg);
  if (m) return ` at ${lineCol(text, Number(m[1]))}`;
  const endsEarly = (t: string) => {
    try {
      JSON.parse(t);
      return true;
    } catch (e) {
      const msg = (e as Error).message;
      const at = /position (\d+)/.exec(msg);
      return /end of JSON input/.test(msg) || (at !== null && Number(at[1]) >= t.length);
    }
  };
  if (endsEarly(text)) return ` at the end (${lineCol(text, text.length)}): the file is truncated`;
  let lo = 0,
    hi = text.length; // endsEarly(text[0:lo]) holds, endsEarly(text[0:hi]) does not
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (endsEarly(text.slice(0, mid))) lo = mid;
    else hi = mid;
  }
  return ` at ${lineCol(text, hi - 1)}`;
}

/** JSON.parse with the file name and, where it can be found, the line and column of a syntax error. */
export function readJson(file: string): unknown {
  const text = readText(file);
  try {
    return JSON.parse(text);
  } catch (e) {
    const msg = (e as Error).message;
    throw new UserError(`${file}: malformed JSON${errorPlace(text, msg)}: ${msg}`);
  }
}
