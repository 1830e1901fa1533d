/**
 * The folders of src/ form layers, each importing only from the layers below it, so the next
 * engineer can change one without a cycle pulling in the rest:
 *   core → engine, text → data → model → io → onnx → eval → train → extract → rdf, queue → serve → cli
 * (a folder may import from any folder listed before it; index.ts and internals.ts see all).
 */
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const SRC = fileURLToPath(new URL('../src/', import.meta.url));
const LAYERS: Record<string, string[]> = {
  core: [],
  engine: ['core'],
  text: ['core'],
  dataset: ['core', 'engine', 'text'],
  features: ['core', 'engine', 'text'],
  model: ['core', 'engine', 'dataset', 'features'],
  io: ['core', 'engine', 'dataset', 'features', 'model'],
  onnx: ['core', 'engine', 'dataset', 'features', 'model', 'io'],
  eval: ['core', 'engine', 'text', 'dataset', 'features', 'model', 'io', 'onnx'],
  train: ['core', 'engine', 'text', 'dataset', 'features', 'model', 'io', 'onnx', 'eval'],
  extract: ['core', 'engine', 'text', 'dataset', 'features', 'model', 'io', 'onnx', 'eval'],
  rdf: ['core', 'text', 'extract'],
  queue: ['core', 'extract'],
  serve: ['core', 'engine', 'text', 'dataset', 'features', 'model', 'io', 'onnx', 'eval', 'extract', 'rdf'],
  cli: ['core', 'engine', 'text', 'dataset', 'features', 'model', 'io', 'onnx', 'eval', 'train', 'extract', 'rdf', 'serve', 'queue'],
};

/** Folder of every relative import of a file ('.' for src/ itself). */
function importedFolders(file: string): string[] {
  const code = readFileSync(file, 'utf8');
  const out: string[] = [];
  for (const m of code.matchAll(/(?:from|import)\s*\(?\s*'(\.\.?\/[^']+)'/g)) {
    const target = join(file, '..', m[1]);
    const rel = target.slice(SRC.length).split('/');
    out.push(rel.length > 1 ? rel[0] : '.');
  }
  return out;
}

test('every src/ folder imports only from the layers below it (no folder-level cycle)', () => {
  const wrong: string[] = [];
  for (const folder of readdirSync(SRC, { withFileTypes: true }).filter((d) => d.isDirectory() && d.name !== 'types')) {
    const allowed = LAYERS[folder.name];
    assert.ok(allowed, `src/${folder.name}/ is not in the layer list of test/layers.test.ts: place it`);
    for (const f of readdirSync(join(SRC, folder.name)).filter((n) => n.endsWith('.ts'))) {
      for (const to of importedFolders(join(SRC, folder.name, f))) {
        if (to !== folder.name && !allowed.includes(to)) wrong.push(`src/${folder.name}/${f} imports from src/${to}/`);
      }
    }
  }
  assert.deepEqual(wrong, []);
});
