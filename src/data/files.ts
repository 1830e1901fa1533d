/** Reading text and JSON files, plain or gzipped, with errors that name the file. */
import { existsSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { UserError } from './types.ts';

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

/** JSON.parse with the file name and the line/column of a syntax error. */
export function readJson(file: string): unknown {
  const text = readText(file);
  try {
    return JSON.parse(text);
  } catch (e) {
    const msg = (e as Error).message;
    const m = /position (\d+)/.exec(msg);
    let where = '';
    if (m) {
      const pos = Number(m[1]);
      const before = text.slice(0, pos);
      const line = before.split('\n').length;
      where = ` at line ${line}, column ${pos - before.lastIndexOf('\n')}`;
    }
    throw new UserError(`${file}: malformed JSON${where}: ${msg}`);
  }
}
