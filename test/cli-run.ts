/** Running the real `rin` command line in a child process, and the checks its error exits share. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const repo = fileURLToPath(new URL('..', import.meta.url));

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `node bin/rin.js ...args` from the repository root, with RIN_BACKEND and RIN_DEBUG unset. */
export function rin(args: string[], o: { timeout?: number; input?: string } = {}): Run {
  const env = { ...process.env };
  delete env.RIN_BACKEND;
  delete env.RIN_DEBUG;
  delete env.NODE_TEST_CONTEXT;
  const r = spawnSync(process.execPath, ['bin/rin.js', ...args], { cwd: repo, env, encoding: 'utf8', timeout: o.timeout ?? 60_000, input: o.input });
  if (r.error) throw r.error;
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

export const show = (r: Run) => `exit ${r.code}\n--- stdout\n${r.stdout.slice(0, 3000)}\n--- stderr\n${r.stderr.slice(0, 3000)}`;

/** A user error: exit 2, one line on stderr matching `pattern`, no stack trace, prefix not doubled. */
export function assertOneLineError(r: Run, pattern: RegExp): void {
  assert.equal(r.code, 2, show(r));
  const lines = r.stderr.split('\n').filter((l) => l.trim() && !/^(loading|loaded) /.test(l));
  assert.equal(lines.length, 1, show(r));
  assert.match(lines[0], pattern, show(r));
  assert.doesNotMatch(lines[0], /error: rin /, 'the "rin CMD:" prefix is not doubled\n' + show(r));
}
