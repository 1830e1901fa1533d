/**
 * rin leaves the process that uses it alone: loading a model adds no process-wide listener (the
 * tfjs wasm backend installs uncaughtException and unhandledRejection handlers that rethrow, so a
 * bug in the user's code would exit 7 behind a tfjs frame), and `rin extract | head -1` exits 0
 * without a word when the reader closes the pipe.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { repo } from './cli-run.ts';
import { trainTinyModel } from './fixtures.ts';
import { setup } from './helpers.ts';

const tmp = mkdtempSync(join(tmpdir(), 'rin-host-'));
let modelDir = '';
before(async () => {
  await setup();
  const m = await trainTinyModel(join(tmp, 'train'));
  assert.equal(m.f1, 1, 'the tiny model reproduces its training triples (precondition)');
  modelDir = m.dir;
});
after(() => rmSync(tmp, { recursive: true, force: true }));

function childEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const k of ['NODE_TEST_CONTEXT', 'RIN_BACKEND', 'RIN_DEBUG']) delete env[k];
  return env;
}

/** Node running `code` (an ES module) after `loadModel(modelDir)` from the sources. */
function afterLoad(code: string) {
  const load = pathToFileURL(join(repo, 'src/extract/load.ts')).href;
  const src = `import { loadModel } from ${JSON.stringify(load)};\nconst x = await loadModel(${JSON.stringify(modelDir)});\n${code}`;
  return spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', src], { cwd: repo, env: childEnv(), encoding: 'utf8', timeout: 60_000 });
}

test('loadModel() leaves no uncaughtException or unhandledRejection listener behind', () => {
  const r = afterLoad(
    `console.log(process.listenerCount('uncaughtException'), process.listenerCount('unhandledRejection')); x.extractSync('Anna lives in Rome.'); console.log(process.listenerCount('uncaughtException'), process.listenerCount('unhandledRejection'));`,
  );
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(r.stdout.trim().split('\n'), ['0 0', '0 0']);
});

test("after loadModel(), a bug in the user's code exits 1 with the user's own error", () => {
  const thrown = afterLoad(`setTimeout(() => { throw new Error('user bug 42'); }, 0);`);
  assert.equal(thrown.status, 1, thrown.stderr.slice(0, 2000));
  assert.match(thrown.stderr, /Error: user bug 42/);
  assert.ok(thrown.stderr.length < 5000, `a short report, not a minified tfjs line (${thrown.stderr.length} characters)`);
  const rejected = afterLoad(`Promise.reject(new Error('user rejection 43'));`);
  assert.equal(rejected.status, 1, rejected.stderr.slice(0, 2000));
  assert.match(rejected.stderr, /user rejection 43/);
});

test('rin extract | head -n 1: a reader that closes the pipe early ends rin with exit 0 and nothing on stderr', () => {
  const text = 'Peter was born in Rome and works for Acme in Berlin. ';
  // Many results, each its own write: far more than a pipe's 64 KB buffer.
  const args = ['bin/rin.js', 'extract', '--model', modelDir, '--threshold', '0', '--no-progress', ...Array(400).fill(text)].map((a) => `'${a}'`).join(' ');
  const r = spawnSync('bash', ['-c', `${JSON.stringify(process.execPath)} ${args} 2>"$ERR" | head -n 1 >/dev/null; echo "\${PIPESTATUS[0]}"`], {
    cwd: repo,
    env: { ...childEnv(), ERR: join(tmp, 'stderr.txt') },
    encoding: 'utf8',
    timeout: 120_000,
  });
  const stderr = readFileSync(join(tmp, 'stderr.txt'), 'utf8');
  assert.equal(r.stdout.trim(), '0', `rin's exit code; stderr:\n${stderr.slice(0, 2000)}`);
  assert.equal(stderr.replace(/^(loading|loaded) .*\n/gm, ''), '');
});

/** A resolve hook that makes onnxruntime-node missing, as after an install that skipped it. */
const WITHOUT_ORT = `data:text/javascript,${encodeURIComponent(`
  import { register } from 'node:module';
  register('data:text/javascript,' + encodeURIComponent("export async function resolve(s, c, next) { if (s === 'onnxruntime-node') { const e = new Error('Cannot find package onnxruntime-node'); e.code = 'ERR_MODULE_NOT_FOUND'; throw e; } return next(s, c); }"));
`)}`;

test('without onnxruntime-node, loadModel() says once that tfjs runs and how to install it; rin --version says the same', () => {
  const load = pathToFileURL(join(repo, 'src/extract/load.ts')).href;
  const src = `import { loadModel } from ${JSON.stringify(load)};
    const a = await loadModel(${JSON.stringify(modelDir)});
    const b = await loadModel(${JSON.stringify(modelDir)});
    console.log(a.engine, b.engine);`;
  const r = spawnSync(process.execPath, ['--import', WITHOUT_ORT, '--import', 'tsx', '--input-type=module', '-e', src], { cwd: repo, env: childEnv(), encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim(), 'tfjs tfjs');
  const warnings = r.stderr.split('\n').filter((l) => /RIN_ENGINE/.test(l));
  assert.equal(warnings.length, 1, `one warning per process:\n${r.stderr}`);
  assert.match(warnings[0], /onnxruntime-node is not installed; TensorFlow.js \(wasm\) runs the model.*ONNXRUNTIME_NODE_INSTALL=skip npm install onnxruntime-node/);
  const v = spawnSync(process.execPath, ['--import', WITHOUT_ORT, 'bin/rin.js', '--version'], { cwd: repo, env: childEnv(), encoding: 'utf8', timeout: 60_000 });
  assert.match(v.stdout, /^engine: tfjs: onnxruntime-node is not installed;/m, v.stderr);
  const asked = spawnSync(process.execPath, ['--import', WITHOUT_ORT, '--import', 'tsx', '--input-type=module', '-e', src], {
    cwd: repo,
    env: { ...childEnv(), RIN_ENGINE: 'tfjs' },
    encoding: 'utf8',
    timeout: 60_000,
  });
  assert.doesNotMatch(asked.stderr, /RIN_ENGINE/, 'no word when tfjs was asked for');
});
