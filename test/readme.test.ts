/**
 * The README's promises, checked: its library example prints exactly the output the README
 * shows, and its first command's sentence gives the triples the README shows.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

const root = new URL('../', import.meta.url);
const readme = readFileSync(new URL('README.md', root), 'utf8');

/** The fenced block right after an HTML comment marker in the README. */
function blockAfter(marker: string): string {
  const at = readme.indexOf(`<!-- ${marker} -->`);
  assert.ok(at >= 0, `README has no "<!-- ${marker} -->" marker`);
  const m = /```[a-z]*\n([\s\S]*?)```/.exec(readme.slice(at));
  assert.ok(m, `no fenced block after "${marker}"`);
  return m[1];
}

test('README: the library example prints what the README says it prints', () => {
  const src = readFileSync(new URL('examples/extract.ts', root), 'utf8');
  assert.equal(blockAfter('examples/extract.ts').trim(), src.trim(), 'the README shows examples/extract.ts as it is');
  const out = execFileSync(process.execPath, ['--import', 'tsx', 'examples/extract.ts'], { cwd: root, encoding: 'utf8' });
  assert.equal(out, blockAfter('output of examples/extract.ts'));
});

test('README: the first command prints the triples the README shows', () => {
  const cmd = blockAfter('first command');
  const sentence = /rin\.js extract "([^"]+)"/.exec(cmd)?.[1];
  assert.ok(sentence, 'the first command extracts from a quoted sentence');
  const out = execFileSync(process.execPath, ['bin/rin.js', 'extract', sentence], { cwd: root, encoding: 'utf8' });
  assert.equal(out, blockAfter('output of the first command'));
});
