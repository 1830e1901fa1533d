/**
 * Extraction on worker threads (src/extract/pool.ts, worker.ts; `rin extract --jsonl --workers`):
 * results equal the in-process Extractor's (same JSON) on many texts spread over many concurrent
 * jobs, each job's order kept; errors come back as the same classes with the same messages; a
 * worker that dies fails only its own jobs, is reported and replaced, and the CLI's retry loses no
 * line to it; idle workers do not keep a process alive; the CLI writes the same file with 2
 * workers as with 1, bad lines included. The model is the tiny RIN overfitted on TINY_CORPUS.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { pooled } from '../src/cli/extract.ts';
import { UserError, WorkerCrashError } from '../src/core/errors.ts';
import { type Extraction, type Extractor, TimeLimitError } from '../src/extract/extractor.ts';
import { loadModel } from '../src/extract/load.ts';
import { ExtractorPool } from '../src/extract/pool.ts';
import { type Run, repo, rin, show } from './cli-run.ts';
import { TINY_CORPUS, rawText, tinyExtractor } from './fixtures.ts';
import { setup } from './helpers.ts';
import { assertSameJsonLines, assertSameResults } from './tolerance.ts';

const tmp = mkdtempSync(join(tmpdir(), 'rin-pool-'));
let x: Extractor;
let pool: ExtractorPool;
let modelDir: string;
const logs: string[] = [];

before(async () => {
  await setup();
  ({ dir: modelDir, x } = await tinyExtractor(join(tmp, 'train')));
  pool = await ExtractorPool.start(modelDir, { workers: 2, log: (l) => logs.push(l) });
  await pool.allStarted();
  assert.ok(
    pool.workers().every((s) => s.ready),
    'allStarted(): every worker has loaded the model',
  );
});
after(async () => {
  await pool?.close();
  x?.dispose();
  rmSync(tmp, { recursive: true, force: true });
});

const RAW = TINY_CORPUS.map(([t]) => rawText(t));
const viaJson = <T>(v: T): T => JSON.parse(JSON.stringify(v));
/** The in-process result on the path the workers take (extract: onnxruntime when installed). */
const inProcess = async (texts: string[], o: { threshold?: number } = {}): Promise<Extraction[]> => viaJson(await x.extract(texts, o));

/** Texts of every kind: one or many sentences, blank, Unicode and emoji, a sentence cut into pieces (a warning). */
function manyTexts(n: number): string[] {
  const odd = ['', '   \n\t', 'Café Zürich 🎉 hired "Anna Lee".\n\nShe lives in Vienna.', `\ufeff${RAW[0]}\f${RAW[2]}`, 'word '.repeat(450), '🎉'];
  return Array.from({ length: n }, (_, k) => (k % 9 === 4 ? odd[((k / 9) % odd.length) | 0] : Array.from({ length: 1 + (k % 5) }, (_, j) => RAW[(k + j * 3) % RAW.length]).join(k % 2 ? ' ' : '\n')));
}

async function allReady(p: ExtractorPool): Promise<void> {
  for (let k = 0; k < 600 && !p.workers().every((s) => s.ready); k++) await sleep(100);
  assert.ok(
    p.workers().every((s) => s.ready),
    'the replacement worker loaded the model within 60 s',
  );
}

test('results equal the in-process extractor on many texts in many concurrent jobs, each in order', async () => {
  const texts = manyTexts(150);
  const expected = await inProcess(texts);
  assert.ok(expected.some((r) => r.triples.length) && expected.some((r) => r.warnings.length) && expected.some((r) => !r.sentences.length), 'the texts have triples, warnings and empty results');
  const jobs = Array.from({ length: Math.ceil(texts.length / 7) }, (_, k) => texts.slice(7 * k, 7 * k + 7));
  const got = await Promise.all(jobs.map((job, k) => pool.extract(job, { large: k % 4 === 0 })));
  assertSameResults(viaJson(got.flat()), expected);
  assertSameResults(viaJson(await pool.extract(texts.slice(0, 20), { threshold: 0.01 })), await inProcess(texts.slice(0, 20), { threshold: 0.01 }));
  assert.equal(pool.size, 2);
  assert.equal(pool.path, modelDir);
  assert.deepEqual(viaJson(pool.card.relations), x.model.vocabs.relations);
});

test('errors come back as the in-process ones: UserError with the same message, TimeLimitError; the pool serves on', async () => {
  const same = async (texts: unknown[], o: { threshold?: number; deadline?: number; large?: boolean }) => {
    const local = await x.extract(texts as string[], o).then(
      () => assert.fail('in-process: expected an error'),
      (e: Error) => e,
    );
    await assert.rejects(pool.extract(texts as string[], o), (e: Error) => e.constructor === local.constructor && e.message === local.message);
    return local;
  };
  assert.ok((await same([RAW[0], 42], {})) instanceof UserError);
  assert.ok((await same([RAW[0], null], { large: true })) instanceof UserError);
  assert.ok((await same([RAW[0]], { threshold: 2 })) instanceof UserError);
  const late = await same([RAW[0], RAW[1]], { deadline: Date.now() - 1, large: true });
  assert.ok(late instanceof TimeLimitError && /after 0 of 2 sentences/.test(late.message), late.message);
  assertSameResults(viaJson(await pool.extract(RAW)), await inProcess(RAW));
});

test('a model that cannot be loaded is the same UserError as loadModel gives, and start() leaves no worker running', async () => {
  const missing = join(tmp, 'no-such-model');
  const local = await loadModel(missing).then(
    () => assert.fail('expected an error'),
    (e: Error) => e,
  );
  assert.ok(local instanceof UserError);
  await assert.rejects(ExtractorPool.start(missing, { workers: 2 }), (e: Error) => e instanceof UserError && e.message === local.message);
  await assert.rejects(ExtractorPool.start(modelDir, { workers: 0 }), /integer ≥ 1/);
});

test('a worker that dies fails only its own jobs, is reported and replaced; the CLI retries its lines alone and loses none', async () => {
  const p = await ExtractorPool.start(modelDir, { workers: 2, log: (l) => logs.push(l) });
  try {
    await allReady(p); // start() resolves with the first worker ready
    const long = Array.from({ length: 400 }, (_, k) => RAW[k % RAW.length]).join(' ');
    const large = p.extract([long], { large: true });
    const small = p.extract([RAW[1]]); // to the other worker: fewer characters outstanding
    assert.ok(
      p.workers().every((s) => s.jobs === 1),
      'one job on each worker',
    );
    const costs = p.workers().map((s) => s.cost);
    await p.stopWorker(costs.indexOf(Math.max(...costs))); // the large job's
    await assert.rejects(large, (e: Error) => e instanceof WorkerCrashError && /stopped \(exit code 1\).*restarted/.test(e.message));
    assertSameResults(viaJson(await small), await inProcess([RAW[1]]));
    assert.ok(
      logs.some((l) => /^rin: worker \d of 2 stopped \(exit code 1\); starting a new one$/.test(l)),
      logs.join('\n'),
    );
    assert.equal(p.restarts, 1);
    assertSameResults(viaJson(await p.extract(RAW)), await inProcess(RAW), 'served while the replacement loads');
    await allReady(p);

    // The CLI's loop: jobs on a worker that dies are retried text by text, so every result arrives, in order.
    const texts = manyTexts(100);
    const gen = pooled(p, texts, undefined);
    const first = gen.next(); // submits 4 jobs of 32 texts, two on each worker
    await sleep(0);
    assert.ok(p.workers()[1].jobs > 0, 'jobs on the worker about to stop');
    void p.stopWorker(1);
    const got = [(await first).value];
    for await (const r of gen) got.push(r);
    assert.ok(!got.some((r) => r instanceof WorkerCrashError));
    assertSameResults(viaJson(got), await inProcess(texts));
    assert.equal(p.restarts, 2);
  } finally {
    await p.close();
  }
  await assert.rejects(p.extract(RAW), /closed/);
});

test('idle workers do not keep the process alive: a script that never calls close() exits', () => {
  const script = join(tmp, 'forgets-close.mts');
  const poolUrl = new URL('../src/extract/pool.ts', import.meta.url).href;
  writeFileSync(
    script,
    `import { ExtractorPool } from ${JSON.stringify(poolUrl)};
const p = await ExtractorPool.start(${JSON.stringify(modelDir)}, { workers: 2 });
const r = await p.extract([${JSON.stringify(RAW[0])}]);
console.log(r[0].triples.length);\n`,
  );
  const r = spawnSync(process.execPath, ['--import', 'tsx', script], { cwd: repo, encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.signal, null, `killed after 60 s: the workers kept it alive\n${r.stderr}`);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim(), '1');
});

test('rin extract --jsonl --workers 2 writes the same file and errors as --workers 1, bad lines included; the process exits', { timeout: 180_000 }, () => {
  const lines = manyTexts(90).map((t, k) => (k % 3 ? JSON.stringify({ text: t, id: k }) : JSON.stringify(t)));
  lines.splice(10, 0, '{"text": "unterminated');
  lines.splice(50, 0, '');
  lines.splice(70, 0, '{"id": 1}');
  const file = join(tmp, 'in.jsonl');
  writeFileSync(file, Buffer.concat([Buffer.from(lines.join('\n') + '\n'), Buffer.from('"Caf\xe9 Zurich"\n', 'latin1')]));
  const run = (workers: number): Run & { out: string } => {
    const out = join(tmp, `out-${workers}.jsonl`);
    const r = rin(['extract', '--jsonl', '--file', file, '--out', out, '--model', modelDir, '--workers', String(workers), '--no-progress'], { timeout: 120_000 });
    return { ...r, out: readFileSync(out, 'utf8') };
  };
  const one = run(1);
  const two = run(2);
  assert.equal(one.code, 2, show(one)); // 3 lines could not be read
  assert.equal(two.code, 2, show(two));
  assertSameJsonLines(two.out, one.out);
  assert.equal(two.stderr, one.stderr);
  const records = one.out
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  assert.equal(records.length, 93);
  assert.equal(records.filter((r) => r.error).length, 3);
  assert.ok(records.every((r, k) => k === 0 || r.line > records[k - 1].line));

  const bad = rin(['extract', '--jsonl', '--file', file, '--workers', '0']);
  assert.equal(bad.code, 2, show(bad));
  assert.match(bad.stderr, /^rin extract: error: --workers must be a whole number ≥ 1, got "0"\n$/);
});
