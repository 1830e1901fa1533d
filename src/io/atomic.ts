/**
 * Atomic writes: a file or a whole directory is written beside its target and renamed into
 * place, so a killed process leaves either the old version or the new one, never half of one.
 */
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

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

export function writeFileAtomic(file: string, data: string | Uint8Array): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = tmpName(file);
  writeSynced(tmp, data);
  renameSync(tmp, file);
}

/**
 * Write `files` (name → content) as directory `dir`, replacing any previous one. The old
 * directory is moved aside first and removed only once the new one is in place.
 */
export function writeDirAtomic(dir: string, files: Record<string, string | Uint8Array>): void {
  mkdirSync(dirname(dir), { recursive: true });
  const tmp = tmpName(dir);
  mkdirSync(tmp);
  for (const [name, data] of Object.entries(files)) writeSynced(join(tmp, name), data);
  const old = existsSync(dir) ? tmpName(dir) + '.old' : null;
  if (old) renameSync(dir, old);
  renameSync(tmp, dir);
  if (old) rmSync(old, { recursive: true, force: true });
}
