/** The code version saved with every model: package version plus the git commit when known. */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..'); // src/core/ (or dist/core/) → the package root

export const PACKAGE_VERSION: string = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version;

let cached: string | undefined;

export function codeVersion(): string {
  if (cached) return cached;
  let commit = '';
  // Only in our own checkout: installed under node_modules, git would report the user's repository.
  if (existsSync(join(root, '.git'))) {
    try {
      commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, stdio: ['ignore', 'pipe', 'ignore'] })
        .toString()
        .trim();
    } catch {
      // no git command, or no commit yet: the package version alone
    }
  }
  cached = commit ? `${PACKAGE_VERSION}+${commit}` : PACKAGE_VERSION;
  return cached;
}
