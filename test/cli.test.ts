/**
 * The real `rin` command line, run as a child process (`node bin/rin.js ...`, cwd = repo root,
 * RIN_BACKEND unset): help and usage errors, corrupt model directories, and a small end-to-end
 * train → eval → predict → resume run on a tiny CasRel dataset.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('..', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'rin-cli-test-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function rin(args: string[], timeout = 60_000): Run {
  const env = { ...process.env };
  delete env.RIN_BACKEND;
  delete env.RIN_DEBUG;
  delete env.NODE_TEST_CONTEXT;
  const r = spawnSync(process.execPath, ['bin/rin.js', ...args], { cwd: repo, env, encoding: 'utf8', timeout });
  if (r.error) throw r.error;
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const show = (r: Run) => `exit ${r.code}\n--- stdout\n${r.stdout.slice(0, 3000)}\n--- stderr\n${r.stderr.slice(0, 3000)}`;

/** A user error: exit 2, and stderr holds no stack trace and no "internal error". */
function assertUserError(r: Run, pattern: RegExp) {
  assert.equal(r.code, 2, show(r));
  assert.match(r.stderr, pattern, show(r));
  assert.doesNotMatch(r.stderr, /^\s+at .+:\d+:\d+\)?$/m, 'no stack trace\n' + show(r));
  assert.doesNotMatch(r.stderr, /internal error/, show(r));
}

/** Exactly one non-empty line on stderr. */
function oneLine(r: Run) {
  const lines = r.stderr.split('\n').filter((l) => l.trim());
  assert.equal(lines.length, 1, show(r));
}

// The tiny dataset: 8 sentences, 3 relations, 10 triples; every token is distinct within its sentence.
const RECORDS = [
  { text: 'John Smith lives in Paris .', triple_list: [['Smith', 'lives_in', 'Paris']] },
  {
    text: 'Mary works for Google in London .',
    triple_list: [
      ['Mary', 'works_for', 'Google'],
      ['Google', 'located_in', 'London'],
    ],
  },
  { text: 'Peter lives in Berlin .', triple_list: [['Peter', 'lives_in', 'Berlin']] },
  { text: 'Anna works for Apple .', triple_list: [['Anna', 'works_for', 'Apple']] },
  { text: 'Apple is located in Cupertino .', triple_list: [['Apple', 'located_in', 'Cupertino']] },
  {
    text: 'Tom lives in Rome and works for Fiat .',
    triple_list: [
      ['Tom', 'lives_in', 'Rome'],
      ['Tom', 'works_for', 'Fiat'],
    ],
  },
  { text: 'Fiat is located in Turin .', triple_list: [['Fiat', 'located_in', 'Turin']] },
  { text: 'Lisa lives in Madrid .', triple_list: [['Lisa', 'lives_in', 'Madrid']] },
];
const dataDir = join(tmp, 'data');
mkdirSync(dataDir);
const DATA = join(dataDir, 'tiny.json');
writeFileSync(DATA, JSON.stringify(RECORDS, null, 1));
const GOLD_TRIPLES = RECORDS.reduce((n, r) => n + r.triple_list.length, 0); // 10
const SMALL = ['--preset', 'paper', '--hidden-dim', '16', '--task-dim', '16', '--int-dim', '16', '--rounds', '1', '--no-progress'];

function trainArgs(out: string, epochs: number, extra: string[] = []): string[] {
  return ['train', '--train', DATA, '--dev', DATA, '--out', out, '--epochs', String(epochs), ...SMALL, ...extra];
}

let trained: { out: string; run: Run } | undefined;
/** Train once (2 epochs) and share the output folder between the tests that need a model. */
function trainedModel(): { out: string; model: string; run: Run } {
  if (!trained) {
    const out = join(tmp, 'run');
    const run = rin(trainArgs(out, 2));
    assert.equal(run.code, 0, show(run));
    trained = { out, run };
  }
  return { ...trained, model: join(trained.out, 'model') };
}

/** A copy of the trained model directory, to corrupt. */
function modelCopy(name: string): string {
  const dst = join(tmp, name);
  cpSync(trainedModel().model, dst, { recursive: true });
  return dst;
}

// ---------------------------------------------------------------------------------------------
// help and usage

test('rin --help exits 0 and prints usage with every command', () => {
  const r = rin(['--help']);
  assert.equal(r.code, 0, show(r));
  assert.match(r.stdout, /usage: rin <command>/);
  for (const c of ['train', 'eval', 'predict']) assert.match(r.stdout, new RegExp(`^\\s+${c}\\s`, 'm'));
  assert.equal(r.stderr, '');
});

test('rin with no command prints the usage and exits non-zero', () => {
  const r = rin([]);
  assert.equal(r.code, 1, show(r));
  assert.match(r.stdout, /usage: rin <command>/);
});

test('rin --version prints the package version', () => {
  const r = rin(['--version']);
  assert.equal(r.code, 0, show(r));
  const pkg = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as { version: string };
  assert.ok(r.stdout.trim().startsWith(pkg.version), r.stdout);
});

for (const cmd of ['train', 'eval', 'predict']) {
  test(`rin ${cmd} --help exits 0 and prints the command's usage`, () => {
    for (const flag of cmd === 'eval' ? ['--help', '-h'] : ['--help']) {
      const r = rin([cmd, flag]);
      assert.equal(r.code, 0, show(r));
      assert.match(r.stdout, new RegExp(`^rin ${cmd} — `));
      assert.match(r.stdout, new RegExp(`usage: rin ${cmd} `));
      assert.match(r.stdout, /--model DIR|--train FILE/);
      assert.equal(r.stderr, '');
    }
  });
}

test('an unknown command exits 2 and names it', () => {
  const r = rin(['frobnicate', '--x']);
  assert.equal(r.code, 2, show(r));
  assert.match(r.stderr, /unknown command "frobnicate"/);
  assert.doesNotMatch(r.stderr, /^\s+at /m);
});

test('an unknown option exits 2 with one line naming it', () => {
  const r = rin(['eval', '--model', 'M', '--data', 'D', '--bogus-flag']);
  assertUserError(r, /bogus-flag/);
  oneLine(r);
});

test('missing required options exit 2 with a one-line message and no stack trace', () => {
  const cases: [string[], RegExp][] = [
    [['train', '--dev', DATA, '--out', join(tmp, 'x')], /--train is required/],
    [['train', '--train', DATA, '--dev', DATA], /--out is required/],
    [['eval', '--data', DATA], /--model is required/],
    [['predict', '--data', DATA], /--model is required/],
  ];
  for (const [args, pattern] of cases) {
    const r = rin(args);
    assertUserError(r, pattern);
    oneLine(r);
  }
  assert.equal(existsSync(join(tmp, 'x')), false, 'nothing written when an option is missing');
});

test('bad option values of rin train exit 2 before any work', () => {
  const out = join(tmp, 'never');
  const cases: [string[], RegExp][] = [
    [['--epochs', 'abc'], /--epochs must be a number, got "abc"/],
    [['--ablate', 'rel,foo'], /--ablate takes rel, ent and h, got "foo"/],
    [['--spans', 'half'], /--spans must be/],
  ];
  for (const [extra, pattern] of cases) {
    const r = rin(['train', '--train', DATA, '--dev', DATA, '--out', out, ...extra]);
    assertUserError(r, pattern);
    oneLine(r);
  }
  const cfg = join(tmp, 'bad-config.json');
  writeFileSync(cfg, '{"model": {');
  const r = rin(['train', '--train', DATA, '--dev', DATA, '--out', out, '--config', cfg]);
  assertUserError(r, new RegExp(cfg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
  assert.equal(existsSync(out), false);
});

test('an out-of-range model option (odd --hidden-dim) is a user error, not an internal error', {
  timeout: 60_000,
}, () => {
  const r = rin(['train', '--train', DATA, '--dev', DATA, '--out', join(tmp, 'odd'), '--epochs', '1', '--hidden-dim', '15', '--no-progress']);
  assertUserError(r, /hiddenDim/);
});

test('rin eval --model /nonexistent exits 2 with a clear message', () => {
  const r = rin(['eval', '--model', '/nonexistent/model', '--data', 'X']);
  assertUserError(r, /\/nonexistent\/model: no such model directory/);
  oneLine(r);
});

test('a model directory with a bad model.json, or with no model.json, is a clear error', () => {
  const bad = join(tmp, 'bad-json-model');
  mkdirSync(bad);
  writeFileSync(join(bad, 'model.json'), '{"format": "rin-model", ');
  writeFileSync(join(bad, 'vocab.json'), '{}');
  writeFileSync(join(bad, 'weights.bin'), Buffer.alloc(0));
  const r1 = rin(['eval', '--model', bad, '--data', DATA, '--no-progress']);
  assertUserError(r1, /corrupt model directory \(model\.json/);
  assert.ok(r1.stderr.includes(bad), show(r1));
  const empty = join(tmp, 'empty-model');
  mkdirSync(empty);
  const r2 = rin(['predict', '--model', empty, '--data', DATA, '--no-progress']);
  assertUserError(r2, /not a rin model directory \(missing model\.json\)/);
  const other = join(tmp, 'other-json-model');
  mkdirSync(other);
  writeFileSync(join(other, 'model.json'), '{"format": "something-else"}');
  const r3 = rin(['eval', '--model', other, '--data', DATA, '--no-progress']);
  assertUserError(r3, /is not a rin model/);
});

test('a model.json that is valid JSON but not an object ("null") is a clear error, not a crash', {}, () => {
  const dir = join(tmp, 'null-model');
  mkdirSync(dir);
  writeFileSync(join(dir, 'model.json'), 'null\n');
  const r = rin(['eval', '--model', dir, '--data', DATA, '--no-progress']);
  assertUserError(r, /model\.json/);
});

// ---------------------------------------------------------------------------------------------
// end to end

test('rin train writes model/{model.json,vocab.json,weights.bin} and one metrics line per epoch', { timeout: 60_000 }, () => {
  const { out, model, run } = trainedModel();
  for (const f of ['model.json', 'vocab.json', 'weights.bin']) assert.ok(existsSync(join(model, f)), `${f} missing\n${show(run)}`);
  const head = JSON.parse(readFileSync(join(model, 'model.json'), 'utf8'));
  assert.equal(head.format, 'rin-model');
  assert.equal(head.config.hiddenDim, 16);
  assert.equal(head.config.taskDim, 16);
  assert.equal(head.config.intDim, 16);
  assert.equal(head.config.rounds, 1);
  assert.equal(head.train.epochs, 2);
  assert.equal(head.meta.spans, 'head');
  // weights.bin holds exactly the float32 values the manifest lists.
  const floats = (head.weights as { shape: number[] }[]).reduce((n, w) => n + w.shape.reduce((a, b) => a * b, 1), 0);
  assert.equal(statSync(join(model, 'weights.bin')).size, 4 * floats);
  const vocab = JSON.parse(readFileSync(join(model, 'vocab.json'), 'utf8'));
  assert.deepEqual([...vocab.relations].sort(), ['lives_in', 'located_in', 'works_for']);
  assert.deepEqual(vocab.ner, ['O', 'B', 'I', 'E', 'S']);
  const lines = readFileSync(join(out, 'metrics.jsonl'), 'utf8').trim().split('\n');
  assert.equal(lines.length, 2, lines.join('\n'));
  const recs = lines.map((l) => JSON.parse(l));
  assert.deepEqual(
    recs.map((r) => r.epoch),
    [1, 2],
  );
  for (const r of recs) {
    assert.ok(Number.isFinite(r.loss) && r.loss > 0, `loss ${r.loss}`);
    assert.ok(r.dev.f1 >= 0 && r.dev.f1 <= 1);
  }
  assert.match(run.stderr, /8 records, 8 kept, 0 skipped, 0 problems/);
  assert.match(run.stderr, /8 training sentences, 3 relations/);
});

test('rin eval --json prints parseable JSON with scores in [0, 1] and the gold count', { timeout: 60_000 }, () => {
  const { model } = trainedModel();
  const r = rin(['eval', '--model', model, '--data', DATA, '--json', '--no-progress']);
  assert.equal(r.code, 0, show(r));
  const j = JSON.parse(r.stdout);
  const t = j.scores.triples;
  assert.ok(t.f1 >= 0 && t.f1 <= 1, `f1 ${t.f1}`);
  assert.ok(t.precision >= 0 && t.precision <= 1 && t.recall >= 0 && t.recall <= 1);
  assert.equal(t.gold, GOLD_TRIPLES);
  assert.ok(t.correct <= t.predicted && t.correct <= t.gold);
  assert.equal(j.scores.mode, 'partial', 'head-only data is scored by partial match');
  assert.equal(j.scores.sentences, RECORDS.length);
  assert.equal(j.load.records, RECORDS.length);
  assert.equal(j.load.kept, RECORDS.length);
});

test("rin eval --threshold 0 predicts every (w, t, w') cell: counts follow from the sentence lengths", { timeout: 60_000 }, () => {
  const { model } = trainedModel();
  const r = rin(['eval', '--model', model, '--data', DATA, '--json', '--threshold', '0', '--no-progress']);
  assert.equal(r.code, 0, show(r));
  const t = JSON.parse(r.stdout).scores.triples;
  // All tokens differ within each sentence, so every ordered pair of different words and each of the
  // 3 relations is a distinct key: sum of len * (len - 1) * 3.
  const cells = RECORDS.reduce((n, rec) => {
    const len = rec.text.split(' ').length;
    return n + len * (len - 1) * 3;
  }, 0);
  assert.equal(cells, 792);
  assert.equal(t.predicted, cells);
  assert.equal(t.correct, GOLD_TRIPLES);
  assert.equal(t.recall, 1);
  // And with threshold 1 nothing passes.
  const none = rin(['eval', '--model', model, '--data', DATA, '--json', '--threshold', '1', '--no-progress']);
  assert.equal(none.code, 0, show(none));
  assert.equal(JSON.parse(none.stdout).scores.triples.predicted, 0);
});

test('rin eval prints a plain-text report by default', { timeout: 60_000 }, () => {
  const { model } = trainedModel();
  const r = rin(['eval', '--model', model, '--data', DATA, '--no-progress', '--per-relation']);
  assert.equal(r.code, 0, show(r));
  assert.match(r.stdout, /8 sentences/);
  assert.match(r.stdout, /triples, partial match/);
  assert.match(r.stdout, /NER spans/);
  assert.match(r.stdout, /per relation/);
});

test('rin predict --out writes one JSON line per sentence with triples and entities', { timeout: 60_000 }, () => {
  const { model } = trainedModel();
  const out = join(tmp, 'pred.jsonl');
  const r = rin(['predict', '--model', model, '--data', DATA, '--out', out, '--no-progress']);
  assert.equal(r.code, 0, show(r));
  const lines = readFileSync(out, 'utf8').trim().split('\n');
  assert.equal(lines.length, RECORDS.length);
  lines.forEach((l, k) => {
    const o = JSON.parse(l);
    assert.equal(o.record, k);
    assert.equal(o.text, RECORDS[k].text);
    assert.ok(Array.isArray(o.triples), l);
    assert.ok(Array.isArray(o.entities), l);
  });
});

test('rin predict --threshold 0 to stdout: every triple is well formed and its spans match the text', { timeout: 60_000 }, () => {
  const { model } = trainedModel();
  const r = rin(['predict', '--model', model, '--data', DATA, '--threshold', '0', '--no-progress']);
  assert.equal(r.code, 0, show(r));
  const lines = r.stdout.trim().split('\n');
  assert.equal(lines.length, RECORDS.length);
  let total = 0;
  lines.forEach((l, k) => {
    const o = JSON.parse(l);
    const toks = RECORDS[k].text.split(' ');
    // Threshold 0: every ordered pair of different head words, for each of the 3 relations.
    assert.equal(o.triples.length, toks.length * (toks.length - 1) * 3, `record ${k}`);
    total += o.triples.length;
    const check = (s: { text: string; start: number; end: number }) => {
      assert.ok(Number.isInteger(s.start) && Number.isInteger(s.end) && 0 <= s.start && s.start < s.end && s.end <= toks.length, JSON.stringify(s));
      assert.equal(s.text, toks.slice(s.start, s.end).join(' '));
    };
    for (const e of o.entities) check(e);
    for (const t of o.triples) {
      check(t.subject);
      check(t.object);
      assert.ok(['lives_in', 'works_for', 'located_in'].includes(t.relation), t.relation);
      assert.ok(t.score >= 0 && t.score <= 1, `score ${t.score}`);
      assert.notEqual(t.subject.end, t.object.end, 'no self pairs: selfPairs is off');
    }
  });
  assert.equal(total, 792);
});

test('rin eval on a missing data file exits 2 and names the file', { timeout: 60_000 }, () => {
  const { model } = trainedModel();
  const missing = join(tmp, 'no-such-data.json');
  const r = rin(['eval', '--model', model, '--data', missing, '--no-progress']);
  assertUserError(r, new RegExp(`${missing.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: no such file`));
});

test('rin eval --spans with an invalid value exits 2 (as rin train does)', {
  timeout: 60_000,
}, () => {
  const { model } = trainedModel();
  const r = rin(['eval', '--model', model, '--data', DATA, '--spans', 'bogus', '--no-progress']);
  assertUserError(r, /--spans/);
});

test('rin predict --out creates missing folders, and an unwritable target fails with a message', {
  timeout: 60_000,
}, () => {
  const { model } = trainedModel();
  const out = join(tmp, 'no', 'such', 'dir', 'p.jsonl');
  const ok = rin(['predict', '--model', model, '--data', DATA, '--out', out, '--no-progress']);
  assert.equal(ok.code, 0, show(ok));
  assert.equal(readFileSync(out, 'utf8').trim().split('\n').length, 8);
  const dirTarget = join(tmp, 'no'); // an existing folder cannot be replaced by a file
  const r = rin(['predict', '--model', model, '--data', DATA, '--out', dirTarget, '--no-progress']);
  assert.equal(r.code, 2, show(r));
  assert.ok(r.stderr.includes(`cannot write ${dirTarget}`), show(r));
  assert.ok(!/\n\s+at /.test(r.stderr), 'no stack trace');
});

// ---------------------------------------------------------------------------------------------
// corrupt model directories (copies of the trained one)

test('a truncated weights.bin is a clear error (odd size and whole floats)', { timeout: 60_000 }, () => {
  const size = statSync(join(trainedModel().model, 'weights.bin')).size;
  const odd = modelCopy('trunc-odd');
  truncateSync(join(odd, 'weights.bin'), size - 6);
  const r1 = rin(['eval', '--model', odd, '--data', DATA, '--no-progress']);
  assertUserError(r1, /corrupt model directory \(weights\.bin/);
  assert.ok(r1.stderr.includes(odd), show(r1));
  const half = modelCopy('trunc-half');
  truncateSync(join(half, 'weights.bin'), Math.floor(size / 8) * 4);
  const r2 = rin(['predict', '--model', half, '--data', DATA, '--no-progress']);
  assertUserError(r2, /corrupt model directory \(weights\.bin has \d+ bytes, model\.json says \d+\)/);
});

test('a model directory missing vocab.json, or with vocabularies that do not fit the weights, is a clear error', { timeout: 60_000 }, () => {
  const noVocab = modelCopy('no-vocab');
  rmSync(join(noVocab, 'vocab.json'));
  assertUserError(rin(['eval', '--model', noVocab, '--data', DATA, '--no-progress']), /missing vocab\.json/);
  const misfit = modelCopy('misfit-vocab');
  const v = JSON.parse(readFileSync(join(misfit, 'vocab.json'), 'utf8'));
  v.relations = v.relations.slice(1);
  writeFileSync(join(misfit, 'vocab.json'), JSON.stringify(v));
  assertUserError(rin(['eval', '--model', misfit, '--data', DATA, '--no-progress']), /corrupt model directory \(.*has shape/);
  const future = modelCopy('future-version');
  const head = JSON.parse(readFileSync(join(future, 'model.json'), 'utf8'));
  head.formatVersion = 99;
  writeFileSync(join(future, 'model.json'), JSON.stringify(head));
  assertUserError(rin(['eval', '--model', future, '--data', DATA, '--no-progress']), /format version 99 is not supported/);
});

// ---------------------------------------------------------------------------------------------
// resume

test('rin train --resume with --epochs 3 after a finished 2-epoch run trains exactly one more epoch', { timeout: 90_000 }, () => {
  const out = join(tmp, 'resume');
  const first = rin(trainArgs(out, 2));
  assert.equal(first.code, 0, show(first));
  assert.equal(readFileSync(join(out, 'metrics.jsonl'), 'utf8').trim().split('\n').length, 2);
  const second = rin(trainArgs(out, 3, ['--resume']));
  assert.equal(second.code, 0, show(second));
  assert.match(second.stderr, /resuming from .*checkpoint: 2 epochs done/);
  // Only epoch 3 is trained by the resumed run.
  assert.match(second.stderr, /^epoch 3: /m);
  assert.doesNotMatch(second.stderr, /^epoch [12]: /m);
  const lines = readFileSync(join(out, 'metrics.jsonl'), 'utf8').trim().split('\n');
  assert.deepEqual(
    lines.map((l) => JSON.parse(l).epoch),
    [1, 2, 3],
  );
  assert.ok(existsSync(join(out, 'model', 'weights.bin')));
});

test('rin train with --embeddings of the wrong dimension exits 2 with the two sizes', { timeout: 60_000 }, () => {
  const vec = join(tmp, 'vec3.txt');
  writeFileSync(vec, 'Paris 0.1 0.2 0.3\nRome 0.4 0.5 0.6\n');
  const r = rin(trainArgs(join(tmp, 'emb-run'), 1, ['--embeddings', vec]));
  assertUserError(r, /vectors have 3 dimensions, the model's wordDim is 100/);
});
