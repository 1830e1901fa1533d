/** Reading text and JSON files, plain or gzipped, with errors that name the file. */
import { existsSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { UserError } from './errors.ts';

/** A file's bytes, gunzipped when gzipped (by its magic bytes, whatever its name). Bytes, not text: V8 strings stop at 512 MB. */
export function readBytes(file: string): Buffer {
  if (!existsSync(file)) throw new UserError(`${file}: no such file`);
  const buf = readFileSync(file);
  if (buf.length < 2 || buf[0] !== 0x1f || buf[1] !== 0x8b) return buf;
  try {
    return gunzipSync(buf);
  } catch (e) {
    throw new UserError(`${file}: corrupt gzip data (${(e as Error).message})`);
  }
}

/** A file as text (UTF-8; bad bytes become U+FFFD: invalidUtf8Lines finds them). */
export function readText(file: string): string {
  return readBytes(file).toString('utf8');
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** Bytes → text; bytes that are not UTF-8 are refused, not half-read. */
export function decodeUtf8(bytes: Uint8Array, where: string): string {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    throw new UserError(`${where}: not valid UTF-8 text (convert it first, e.g. iconv -t UTF-8)`);
  }
}

/**
 * The lines of `bytes`, each decoded alone (`text` absent where a line is not valid UTF-8), so
 * one bad line does not reject the others. Splitting at \n is safe: 0x0A never occurs inside a
 * multi-byte UTF-8 character. A final newline ends the last line (no empty line after it).
 */
export function* utf8Lines(bytes: Uint8Array): Generator<{ line: number; text?: string }> {
  let start = 0;
  for (let line = 1; start < bytes.length; line++) {
    let end = bytes.indexOf(0x0a, start);
    if (end < 0) end = bytes.length;
    try {
      yield { line, text: strictUtf8.decode(bytes.subarray(start, end)) };
    } catch {
      yield { line };
    }
    start = end + 1;
  }
}

/** 1-based numbers of the lines of `bytes` that are not valid UTF-8. */
export function invalidUtf8Lines(bytes: Uint8Array): number[] {
  return [...utf8Lines(bytes)].filter((l) => l.text === undefined).map((l) => l.line);
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
