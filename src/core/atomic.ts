/**
 * Atomic writes: a file or a whole directory is written beside its target and renamed into
 * place, so a killed process leaves either the old version or the new one, never half of one.
 * A failed write removes what it wrote and throws a UserError naming the target (one line for
 * the CLI: a folder that cannot be made, a target that is a directory, a full disk).
 */
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { UserError } from './errors.ts';

function tmpName(target: string): string {
  return join(dirname(target), `.${basename(target)}.tmp-${process.pid}-${Date.now()}`);
}

function writeSynced(file: string, data: string | Uint8Array): void {
  const fd = openSync(file, 'w');
  try {
    writeSync(fd, typeof data === 'string' ? Buffer.from(data) : data);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * Make `dir` and its missing parents one level at a time. Node 20's recursive mkdirSync spins
 * for ever under /proc (and other file systems that answer mkdir oddly); this fails instead.
 */
function makeFolders(dir: string): void {
  const missing: string[] = [];
  for (let d = resolve(dir); !existsSync(d); d = dirname(d)) {
    if (dirname(d) === d) break;
    missing.unshift(d);
  }
  for (const d of missing) mkdirSync(d);
  if (!statSync(dir).isDirectory()) throw new Error(`${dir} is not a directory`);
}

/** Run `write`; on failure remove `tmp` and rethrow with the target named. */
function guarded(target: string, tmp: string, write: () => void): void {
  try {
    write();
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    const msg = (e as Error).message;
    throw new UserError(msg.includes(target) ? msg : `cannot write ${target}: ${msg}`);
  }
}

function checkNotDir(file: string): void {
  if (existsSync(file) && statSync(file).isDirectory()) throw new UserError(`cannot write ${file}: it is a directory; give a file name`);
}

export function writeFileAtomic(file: string, data: string | Uint8Array): void {
  checkNotDir(file);
  const tmp = tmpName(file);
  guarded(file, tmp, () => {
    makeFolders(dirname(file));
    writeSynced(tmp, data);
    renameSync(tmp, file);
  });
}

/**
 * Write `files` (name → content) as directory `dir`, replacing any previous one. The old
 * directory is moved aside first and removed only once the new one is in place.
 */
export function writeDirAtomic(dir: string, files: Record<string, string | Uint8Array>): void {
  const tmp = tmpName(dir);
  guarded(dir, tmp, () => {
    makeFolders(dirname(dir));
    mkdirSync(tmp);
    for (const [name, data] of Object.entries(files)) writeSynced(join(tmp, name), data);
  });
  const old = existsSync(dir) ? tmpName(dir) + '.old' : null;
  if (old) renameSync(dir, old);
  renameSync(tmp, dir);
  if (old) rmSync(old, { recursive: true, force: true });
}
