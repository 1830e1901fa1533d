/**
 * The README's promises, checked: its library example prints exactly the output the README
 * shows, its first command's sentence gives the triples the README shows, and its links and
 * those of docs/ lead somewhere.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
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

test('README and docs: every relative link and image names a file that is there', () => {
  const pages = [
    'README.md',
    ...readdirSync(new URL('docs/', root))
      .filter((f) => f.endsWith('.md'))
      .map((f) => `docs/${f}`),
  ];
  const broken: string[] = [];
  for (const page of pages) {
    const text = readFileSync(new URL(page, root), 'utf8');
    for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
      if (/^(https?:|mailto:|#)/.test(target)) continue;
      if (!existsSync(new URL(target.split('#')[0], new URL(page, root)))) broken.push(`${page}: ${target}`);
    }
  }
  assert.deepEqual(broken, []);
});
