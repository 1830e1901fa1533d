/**
 * Seen / unseen scores (src/eval/seen.ts): hand-made sentences whose split is known, under
 * exact, partial and strict match; the parts add up to the headline; and `rin eval --seen-from`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Prediction } from '../src/eval/decode.ts';
import { type PRF, score } from '../src/eval/metrics.ts';
import { seenSplit, trainMentions } from '../src/eval/seen.ts';
import type { Entity, Sentence, Triple } from '../src/core/types.ts';
import { tempFolders } from './helpers.ts';

const e = (start: number, end: number, type?: string): Entity => (type === undefined ? { start, end } : { start, end, type });
const tri = (subject: Entity, relation: string, object: Entity): Triple => ({ subject, relation, object });
const sent = (text: string, triples: Triple[], entities?: Entity[]): Sentence => ({ tokens: text.split(' '), triples, ...(entities ? { entities } : {}), source: { file: 'mem', record: 0 } });
const pred = (triples: Triple[], entities: Entity[] = []): Prediction => ({ entities, triples: triples.map((t) => ({ ...t, score: 0.9 })) });
const counts = (r: PRF) => [r.correct, r.predicted, r.gold];

// Training mentions: "Alan Bean", "Wheeler , Texas" (a triple) and "NASA" (an entity list only).
const TRAIN = [sent('Alan Bean was born in Wheeler , Texas and joined NASA .', [tri(e(0, 2), 'birthPlace', e(5, 8))], [e(10, 11)])];
// Gold: (Alan Bean, employer, NASA) has both mentions seen; (NASA, location, Houston) one seen, one not.
const GOLD = [sent('Alan Bean worked for NASA in Houston .', [tri(e(0, 2), 'employer', e(4, 5)), tri(e(4, 5), 'location', e(6, 7))])];
const PREDS = [
  pred(
    [
      tri(e(0, 2), 'employer', e(4, 5)), // correct, seen
      tri(e(4, 5), 'location', e(6, 7)), // correct, unseen
      tri(e(1, 2), 'employer', e(4, 5)), // "Bean": unseen and wrong under exact; the first triple under partial
      tri(e(0, 2), 'location', e(6, 7)), // wrong, unseen
    ],
    [e(0, 2), e(1, 2), e(6, 7)],
  ),
];

test('trainMentions: whole spans joined by single spaces, or last words; entity lists count; case kept', () => {
  assert.deepEqual([...trainMentions(TRAIN, 'exact')].sort(), ['Alan Bean', 'NASA', 'Wheeler , Texas']);
  assert.deepEqual([...trainMentions(TRAIN, 'strict')].sort(), ['Alan Bean', 'NASA', 'Wheeler , Texas']);
  assert.deepEqual([...trainMentions(TRAIN, 'partial')].sort(), ['Bean', 'NASA', 'Texas']);
});

test('exact: a triple is seen only when both mentions are; predictions go by their own mentions', () => {
  const s = seenSplit(TRAIN, GOLD, PREDS, 'exact');
  assert.equal(s.mentions, 3);
  assert.deepEqual(counts(s.triples.seen), [1, 1, 1]);
  assert.deepEqual(counts(s.triples.unseen), [1, 3, 1]);
  assert.equal(s.triples.unseen.precision, 1 / 3);
  assert.equal(s.triples.unseen.recall, 1);
  // Entities: Alan Bean and NASA seen, Houston not; the predicted "Bean" is unseen and wrong.
  assert.deepEqual(counts(s.entities.seen), [1, 1, 2]);
  assert.deepEqual(counts(s.entities.unseen), [1, 2, 1]);
});

test('partial: last words decide both the match and the seen test', () => {
  const s = seenSplit(TRAIN, GOLD, PREDS, 'partial');
  // (Alan Bean|Bean, employer, NASA) are one key (Bean, employer, NASA): seen and correct.
  assert.deepEqual(counts(s.triples.seen), [1, 1, 1]);
  assert.deepEqual(counts(s.triples.unseen), [1, 2, 1]);
  assert.deepEqual(counts(s.entities.seen), [1, 1, 2]);
  assert.deepEqual(counts(s.entities.unseen), [1, 1, 1]);
});

test('mention strings compare case-sensitively, as the exact-match scorer does', () => {
  const gold = [sent('Alan Bean left nasa .', [tri(e(0, 2), 'employer', e(3, 4))])];
  const s = seenSplit(TRAIN, gold, [pred(gold[0].triples, [e(0, 2), e(3, 4)])], 'exact');
  assert.deepEqual(counts(s.triples.seen), [0, 0, 0]);
  assert.deepEqual(counts(s.triples.unseen), [1, 1, 1]);
  assert.deepEqual(counts(s.entities.seen), [1, 1, 1]);
  assert.deepEqual(counts(s.entities.unseen), [1, 1, 1]);
});

test('strict: spans and types must match; the seen test is by string, whatever the type', () => {
  const train = [sent('Aspirin causes nausea .', [tri(e(0, 1, 'Drug'), 'Effect', e(2, 3, 'AE'))])];
  const gold = [sent('Aspirin may cause headache .', [tri(e(0, 1, 'Drug'), 'Effect', e(3, 4, 'AE'))])];
  const preds = [pred([tri(e(0, 1, 'AE'), 'Effect', e(3, 4, 'AE'))], [e(0, 1, 'AE'), e(3, 4, 'AE')])];
  const s = seenSplit(train, gold, preds, 'strict');
  assert.deepEqual(counts(s.triples.unseen), [0, 1, 1], 'headache is unseen; the subject type is wrong');
  assert.deepEqual(counts(s.entities.seen), [0, 1, 1], 'Aspirin is seen, predicted with the wrong type');
  assert.deepEqual(counts(s.entities.unseen), [1, 1, 1]);
});

test('the two parts add up to the headline counts', () => {
  for (const mode of ['exact', 'partial'] as const) {
    const head = score(GOLD, PREDS, [[]], mode);
    const s = seenSplit(TRAIN, GOLD, PREDS, mode);
    const sum = (a: PRF, b: PRF) => [a.correct + b.correct, a.predicted + b.predicted, a.gold + b.gold];
    assert.deepEqual(sum(s.triples.seen, s.triples.unseen), counts(head.triples), mode);
    if (mode === 'exact') assert.deepEqual(sum(s.entities.seen, s.entities.unseen), counts(head.entities));
  }
});

// ---------------------------------------------------------------------------------------------
// rin eval --seen-from, with the shipped model

const repo = fileURLToPath(new URL('..', import.meta.url));
const rin = (args: string[]) => {
  const env = { ...process.env };
  delete env.NODE_TEST_CONTEXT;
  const r = spawnSync(process.execPath, ['bin/rin.js', ...args], { cwd: repo, env, encoding: 'utf8', timeout: 120_000 });
  if (r.error) throw r.error;
  return r;
};
const dirs = tempFolders('rin-seen-test-');
const dir = dirs.fresh();
const TRAIN_FILE = dirs.write(dir, 'train.json', JSON.stringify([{ text: 'Alan Bean was born in Wheeler , Texas .', triple_list: [['Alan Bean', 'birthPlace', 'Wheeler , Texas']] }]));
const DEV_FILE = dirs.write(
  dir,
  'dev.json',
  JSON.stringify([
    { text: 'Alan Bean was born in Wheeler , Texas .', triple_list: [['Alan Bean', 'birthPlace', 'Wheeler , Texas']] },
    { text: 'Elliot See was born in Dallas .', triple_list: [['Elliot See', 'birthPlace', 'Dallas']] },
    { text: 'Alan Bean was born in Dallas .', triple_list: [['Alan Bean', 'birthPlace', 'Dallas']] },
  ]),
);
const MODEL = 'models/webnlg-exact-rin';

test('rin eval --seen-from --json: a seen field whose parts add up to the headline', { timeout: 180_000 }, () => {
  const r = rin(['eval', '--model', MODEL, '--data', DEV_FILE, '--seen-from', TRAIN_FILE, '--json', '--no-progress']);
  assert.equal(r.status, 0, r.stderr);
  const j = JSON.parse(r.stdout);
  assert.equal(j.seen.from, TRAIN_FILE);
  assert.equal(j.seen.mode, 'exact');
  assert.equal(j.seen.mentions, 2);
  assert.equal(j.seen.triples.seen.gold, 1);
  assert.equal(j.seen.triples.unseen.gold, 2);
  // Entities count per sentence: Alan Bean twice and Wheeler , Texas; Elliot See and Dallas twice.
  assert.equal(j.seen.entities.seen.gold, 3);
  assert.equal(j.seen.entities.unseen.gold, 3);
  for (const k of ['correct', 'predicted', 'gold']) assert.equal(j.seen.triples.seen[k] + j.seen.triples.unseen[k], j.scores.triples[k], k);
});

test('rin eval --seen-from prints the seen and unseen rows; a missing TRAIN is a clear error', { timeout: 180_000 }, () => {
  const r = rin(['eval', '--model', MODEL, '--data', DEV_FILE, '--seen-from', TRAIN_FILE, '--no-progress']);
  assert.equal(r.status, 0, r.stderr);
  for (const row of ['triples, seen entities', 'triples, unseen entities', 'entities, seen', 'entities, unseen']) assert.match(r.stdout, new RegExp(`^${row} `, 'm'), r.stdout);
  const bad = rin(['eval', '--model', MODEL, '--data', DEV_FILE, '--seen-from', dir + '/nope.json', '--no-progress']);
  assert.equal(bad.status, 2, bad.stderr);
  assert.match(bad.stderr, /nope\.json: no such file/);
});
