/** The code version saved with every model: package version plus the git commit when known. */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

export const PACKAGE_VERSION: string = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version;

let cached: string | undefined;

export function codeVersion(): string {
  if (cached) return cached;
  let commit = '';
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
  } catch {
    // not a git checkout (e.g. an installed package): the package version alone
  }
  cached = commit ? `${PACKAGE_VERSION}+${commit}` : PACKAGE_VERSION;
  return cached;
}
