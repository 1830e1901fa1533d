/**
 * The package as a user gets it: `npm pack` (prepack builds dist/), `npm install` of the tarball
 * in an empty folder, then the `rin` command through npx, a plain-Node ESM import (no tsx), and
 * the type declarations through a consumer's tsc. Offline: npm's cache holds every dependency
 * after `npm ci`.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('..', import.meta.url));
const version: string = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')).version;
const tmp = mkdtempSync(join(tmpdir(), 'rin-package-test-'));
const app = join(tmp, 'app');
after(() => rmSync(tmp, { recursive: true, force: true }));

const sentence = 'Aarhus is in Denmark.';
const npmFlags = ['--prefer-offline', '--no-audit', '--no-fund'];

/** The children see neither the test runner nor a backend or cache choice of the caller. */
function env(): NodeJS.ProcessEnv {
  const e = { ...process.env };
  for (const k of ['NODE_TEST_CONTEXT', 'RIN_BACKEND', 'RIN_DEBUG', 'NODE_OPTIONS']) delete e[k];
  return e;
}

function run(cmd: string, args: string[], cwd: string, extraEnv: NodeJS.ProcessEnv = {}): string {
  const r = spawnSync(cmd, args, { cwd, env: { ...env(), ...extraEnv }, encoding: 'utf8', timeout: 120_000 });
  if (r.error) throw r.error;
  assert.equal(r.status, 0, `${cmd} ${args.join(' ')} (in ${cwd}): exit ${r.status}\n--- stdout\n${r.stdout.slice(-3000)}\n--- stderr\n${r.stderr.slice(-3000)}`);
  return r.stdout;
}

let tarball = '';

before(() => {
  const packDir = join(tmp, 'pack');
  mkdirSync(packDir);
  run('npm', ['pack', '--pack-destination', packDir, ...npmFlags], repo);
  const [name] = readdirSync(packDir).filter((f) => f.endsWith('.tgz'));
  tarball = join(packDir, name);
  mkdirSync(app);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  // As the README's install line: the variable skips onnxruntime-node's CUDA download, which
  // fails offline and would leave the fast engine out.
  run('npm', ['install', tarball, ...npmFlags], app, { ONNXRUNTIME_NODE_INSTALL: 'skip' });
});

/** The Aarhus → Denmark triple the shipped model finds, whatever its score. */
function assertAarhus(triples: { subject: { text: string }; relation: string; object: { text: string } }[]) {
  assert.deepEqual(
    triples.map((t) => `${t.subject.text} ${t.relation} ${t.object.text}`),
    ['Aarhus location Denmark'],
  );
}

test('the tarball holds the build, the native sources, the shipped model and nothing else of the repository', () => {
  const files = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' }).trim().split('\n');
  for (const f of [
    'package/dist/index.js',
    'package/dist/index.d.ts',
    'package/dist/internals.js',
    'package/dist/cli/main.js',
    'package/dist/serve/page.html',
    'package/models/webnlg-union-rin/weights.bin',
    'package/models/webnlg-union-rin/vocab.json',
    'package/native/rin_native.c',
    'package/native/binding.gyp',
    'package/native/build.mjs',
    'package/LICENSE',
    'package/docs/web-page.png',
  ]) {
    assert.ok(files.includes(f), `${f} is in the tarball`);
  }
  const strays = files.filter(
    (f) => !/^package\/(dist\/|models\/webnlg-union-rin\/|native\/(rin_native\.c|binding\.gyp|build\.mjs)$|package\.json$|README\.md$|LICENSE$|docs\/web-page\.png$)/.test(f),
  );
  assert.deepEqual(strays, [], 'only dist/, the native sources (built at install), the shipped model, package.json and README');
});

test('npx rin --version and npx rin extract run from the installed package', () => {
  // The user's project is a git repository: its commit is not rin's version.
  run('git', ['init', '-q'], app);
  run('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-q', '--allow-empty', '-m', 'user project'], app);
  const [first, second, third] = run('npx', ['--no', '--', 'rin', '--version'], app).trim().split('\n');
  // Installed as the README says, the fast engine is there, and no CUDA file was fetched.
  assert.equal(third, 'engine: onnxruntime-node');
  const ortBin = join(app, 'node_modules', 'onnxruntime-node', 'bin');
  const cuda = readdirSync(ortBin, { recursive: true, encoding: 'utf8' }).filter((f) => /providers_cuda/.test(f));
  assert.deepEqual(cuda, [], 'no CUDA provider downloaded');
  assert.equal(first, version);
  // The tarball's install script built the native addon here (CI installs OpenBLAS; .ci/run).
  if (process.env.CI) assert.match(second, /^native kernels: on \(/);
  else assert.match(second, /^native kernels: (on \(|off: )/);
  const [result] = JSON.parse(`[${run('npx', ['--no', '--', 'rin', 'extract', '--json', sentence], app).trim().split('\n').join(',')}]`);
  assertAarhus(result.triples);
});

test('plain Node imports rin (ESM, no tsx) and extracts with the shipped model', () => {
  const code = `
    import { loadModel } from 'rin';
    import { readModelDir } from 'rin/internals';
    if (typeof readModelDir !== 'function') throw new Error('rin/internals has no readModelDir');
    const model = await loadModel();
    const listeners = process.listenerCount('uncaughtException') + process.listenerCount('unhandledRejection');
    if (listeners) throw new Error(listeners + ' process-wide listener(s) after loadModel()');
    console.log(JSON.stringify((await model.extract(${JSON.stringify(sentence)})).triples));`;
  assertAarhus(JSON.parse(run(process.execPath, ['--input-type=module', '-e', code], app)));
});

test('npx rin extract with more output than a pipe holds, cut off by head -n 1, exits 0 and says nothing', () => {
  const t = 'Aarhus Airport serves the city of Aarhus in Denmark, whose capital is Copenhagen.';
  const r = spawnSync('bash', ['-o', 'pipefail', '-c', `npx --no -- rin extract --threshold 0 "${t}" "${t}" "${t}" "${t}" | head -n 1`], { cwd: app, env: env(), encoding: 'utf8', timeout: 120_000 });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, `${t}\n`);
  assert.equal(r.stderr.trim(), '');
});

/** tsc on one file of the consumer's project, skipLibCheck off (so the packages' .d.ts are checked too); its error lines. */
function typecheck(file: string, source: string): string[] {
  writeFileSync(join(app, file), source);
  const tsconfig = `tsconfig.${file}.json`;
  writeFileSync(
    join(app, tsconfig),
    JSON.stringify({
      compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, skipLibCheck: false, types: [] },
      files: [file],
    }),
  );
  const r = spawnSync(process.execPath, [join(repo, 'node_modules/typescript/bin/tsc'), '-p', tsconfig], { cwd: app, env: env(), encoding: 'utf8', timeout: 120_000 });
  if (r.error) throw r.error;
  return r.stdout.split('\n').filter((l) => /error TS\d+/.test(l));
}

test("the declarations name their imports with .js, as a consumer's TypeScript of any version resolves them", () => {
  const dist = join(app, 'node_modules', 'rin', 'dist');
  const bad = readdirSync(dist, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.d.ts'))
    .flatMap((f) => (readFileSync(join(dist, f), 'utf8').match(/['"]\.\.?\/[^'"]*\.ts['"]/g) ?? []).map((m) => `${f}: ${m}`));
  assert.deepEqual(bad, []);
});

test("a TypeScript consumer of 'rin' type-checks with skipLibCheck off: rin's types are real and bring no tfjs declarations", () => {
  // The expect-error line proves Extraction is the real type: were it `any` (unresolved), the
  // directive would be unused and tsc would fail.
  const errors = typecheck(
    'consumer.ts',
    `import { loadModel, type Extraction, type EpochRecord, type RinModel } from 'rin';
export const count = (x: Extraction): number => x.triples.length;
export const first = async (): Promise<number> => (await (await loadModel()).extract('Aarhus is in Denmark.')).triples.length;
export const now = async (): Promise<number> => (await loadModel()).extractSync('Aarhus is in Denmark.').triples.length;
export type Parts = [EpochRecord, RinModel['config']];
// @ts-expect-error: triples is an array, not a number
export const wrong: number = ({} as Extraction).triples;
`,
  );
  assert.deepEqual(errors, []);
});

test("rin/internals' declarations resolve too (they may reach tfjs, whose own declarations fail strict checking)", () => {
  const errors = typecheck(
    'internals.ts',
    `import { readModelDir, modelParams } from 'rin/internals';
export type Dir = ReturnType<typeof readModelDir>;
export const names = (m: Dir): string[] => [...modelParams(m).keys()];
`,
  ).filter((l) => !l.startsWith('node_modules/@tensorflow/'));
  assert.deepEqual(errors, []);
});
