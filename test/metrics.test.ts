/**
 * Metrics and decoding: hand-computed examples for prf / tripleKeys / score / overlapPatterns,
 * BIESO reading, and decode() on small hand-built time-major logits.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { type LogitValues, type Prediction, biesoSpans, decode } from '../src/eval/decode.ts';
import { formatScores, overlapPatterns, prf, score, tripleKeys } from '../src/eval/metrics.ts';
import type { Sentence, Span, Triple } from '../src/core/types.ts';

const span = (start: number, end: number): Span => ({ start, end });
const tri = (s: [number, number], relation: string, o: [number, number]): Triple => ({ subject: span(...s), relation, object: span(...o) });
const sent = (tokens: string[], triples: Triple[] = []): Sentence => ({ tokens, triples, source: { file: 'mem', record: 0 } });
const pred = (triples: Triple[], entities: Span[] = []): Prediction => ({ entities, triples: triples.map((t) => ({ ...t, score: 0.9 })) });
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

function close(actual: number, expected: number, what = '') {
  assert.ok(Math.abs(actual - expected) < 1e-9, `${what}: expected ${expected}, got ${actual}`);
}
function closePRF(r: { precision: number; recall: number; f1: number; correct: number; predicted: number; gold: number }, e: [number, number, number, number, number, number], what = '') {
  assert.deepEqual([r.correct, r.predicted, r.gold], e.slice(3), `${what} counts`);
  close(r.precision, e[0], `${what} precision`);
  close(r.recall, e[1], `${what} recall`);
  close(r.f1, e[2], `${what} f1`);
}

// ---------------------------------------------------------------------------------------------
// prf

test('prf: precision, recall and F1 from counts, zero when undefined', () => {
  closePRF(prf(3, 4, 6), [0.75, 0.5, 0.6, 3, 4, 6]);
  closePRF(prf(1, 3, 2), [1 / 3, 1 / 2, 0.4, 1, 3, 2]);
  closePRF(prf(0, 0, 0), [0, 0, 0, 0, 0, 0]);
  closePRF(prf(0, 5, 0), [0, 0, 0, 0, 5, 0]);
  closePRF(prf(0, 0, 7), [0, 0, 0, 0, 0, 7]);
  closePRF(prf(2, 2, 2), [1, 1, 1, 2, 2, 2]);
});

// ---------------------------------------------------------------------------------------------
// tripleKeys

test('tripleKeys partial: last words + relation; exact: whole spans + relation', () => {
  const toks = ['Barack', 'Obama', 'visited', 'New', 'York', 'City', '.'];
  const full = [tri([0, 2], 'visited', [3, 6])];
  const heads = [tri([1, 2], 'visited', [5, 6])];
  const shorter = [tri([0, 2], 'visited', [4, 6])]; // "York City"
  // Partial: all three are (Obama, visited, City).
  assert.deepEqual(tripleKeys(toks, full, 'partial'), tripleKeys(toks, heads, 'partial'));
  assert.deepEqual(tripleKeys(toks, full, 'partial'), tripleKeys(toks, shorter, 'partial'));
  assert.equal(tripleKeys(toks, full, 'partial').size, 1);
  // Exact: three different keys.
  const exact = new Set([...tripleKeys(toks, full, 'exact'), ...tripleKeys(toks, heads, 'exact'), ...tripleKeys(toks, shorter, 'exact')]);
  assert.equal(exact.size, 3);
  const [k] = tripleKeys(toks, full, 'exact');
  assert.ok(k.includes('Barack Obama') && k.includes('New York City') && k.includes('visited'), k);
  const [p] = tripleKeys(toks, full, 'partial');
  assert.ok(p.includes('Obama') && p.includes('City') && !p.includes('Barack') && !p.includes('York'), p);
});

test('tripleKeys: a set per sentence (duplicates collapse), order of subject/object matters, relation matters', () => {
  const toks = ['a', 'b', 'c'];
  const keys = tripleKeys(toks, [tri([0, 1], 'r', [1, 2]), tri([0, 1], 'r', [1, 2]), tri([1, 2], 'r', [0, 1]), tri([0, 1], 's', [1, 2])], 'partial');
  assert.equal(keys.size, 3);
  // Compared as strings: the same word at another position is the same key.
  const rep = ['Texas', 'and', 'Texas', 'Austin'];
  assert.deepEqual(tripleKeys(rep, [tri([0, 1], 'r', [3, 4])], 'partial'), tripleKeys(rep, [tri([2, 3], 'r', [3, 4])], 'partial'));
  assert.equal(tripleKeys(rep, [], 'exact').size, 0);
});

// ---------------------------------------------------------------------------------------------
// score

function twoSentences() {
  const s1 = sent(['Barack', 'Obama', 'visited', 'New', 'York', 'City', '.'], [tri([0, 2], 'visited', [3, 6])]);
  const s2 = sent(['Paris', 'is', 'in', 'France'], [tri([0, 1], 'capital_of', [3, 4])]);
  const p1 = pred([tri([1, 2], 'visited', [5, 6]), tri([0, 2], 'visited', [3, 6])], [span(0, 2), span(4, 6)]);
  const p2 = pred([tri([0, 1], 'located_in', [3, 4])], [span(0, 1), span(3, 4), span(2, 3)]);
  const goldEntities = [
    [span(0, 2), span(3, 6)],
    [span(0, 1), span(3, 4)],
  ];
  return { gold: [s1, s2], preds: [p1, p2], goldEntities };
}

test('score, exact mode: hand-computed partial, exact, NER, per-relation and breakdowns', () => {
  const { gold, preds, goldEntities } = twoSentences();
  const s = score(gold, preds, goldEntities, 'exact');
  assert.equal(s.mode, 'exact');
  assert.equal(s.sentences, 2);
  // Partial: sentence 1 predicts {(Obama, visited, City)} once (two triples, one key), correct;
  // sentence 2 predicts (Paris, located_in, France), wrong. 1 correct of 2 predicted, 2 gold.
  closePRF(s.partial, [0.5, 0.5, 0.5, 1, 2, 2], 'partial');
  // Exact: sentence 1 predicts 2 distinct keys, 1 correct; sentence 2 one wrong. 1 / 3 predicted, 2 gold.
  closePRF(s.exact!, [1 / 3, 1 / 2, 0.4, 1, 3, 2], 'exact');
  closePRF(s.triples, [1 / 3, 1 / 2, 0.4, 1, 3, 2], 'headline = exact');
  // NER: correct (0,2), (0,1), (3,4) = 3 of 5 predicted, 4 gold.
  closePRF(s.ner, [0.6, 0.75, 2 / 3, 3, 5, 4], 'ner');
  assert.deepEqual(Object.keys(s.perRelation).sort(), ['capital_of', 'located_in', 'visited']);
  closePRF(s.perRelation.visited, [0.5, 1, 2 / 3, 1, 2, 1], 'visited');
  closePRF(s.perRelation.capital_of, [0, 0, 0, 0, 0, 1], 'capital_of');
  closePRF(s.perRelation.located_in, [0, 0, 0, 0, 1, 0], 'located_in');
  assert.deepEqual(Object.keys(s.byOverlap), ['Normal']);
  closePRF(s.byOverlap.Normal, [1 / 3, 1 / 2, 0.4, 1, 3, 2], 'Normal');
  assert.deepEqual(Object.keys(s.byCount), ['1']);
  closePRF(s.byCount['1'], [1 / 3, 1 / 2, 0.4, 1, 3, 2], 'count 1');
});

test('score, partial mode: the headline and breakdowns use partial keys', () => {
  const { gold, preds, goldEntities } = twoSentences();
  const s = score(gold, preds, goldEntities, 'partial');
  assert.equal(s.mode, 'partial');
  closePRF(s.triples, [0.5, 0.5, 0.5, 1, 2, 2], 'headline = partial');
  closePRF(s.perRelation.visited, [1, 1, 1, 1, 1, 1], 'visited');
  closePRF(s.byOverlap.Normal, [0.5, 0.5, 0.5, 1, 2, 2], 'Normal');
  // The exact figures are still computed.
  closePRF(s.exact!, [1 / 3, 1 / 2, 0.4, 1, 3, 2], 'exact');
});

test('score: duplicate gold triples count once; no predictions gives P = R = F1 = 0', () => {
  const g = [sent(['a', 'b'], [tri([0, 1], 'r', [1, 2]), tri([0, 1], 'r', [1, 2])])];
  const ok = score(g, [pred([tri([0, 1], 'r', [1, 2])])], [[]], 'partial');
  closePRF(ok.triples, [1, 1, 1, 1, 1, 1]);
  const none = score(g, [pred([])], [[]], 'partial');
  closePRF(none.triples, [0, 0, 0, 0, 0, 1]);
  closePRF(none.ner, [0, 0, 0, 0, 0, 0]);
});

test('score: breakdowns by gold-triple count (with >=5) and by overlap pattern (EPO and SEO together)', () => {
  const X = sent(
    ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j'],
    [tri([0, 1], 'r', [1, 2]), tri([2, 3], 'r', [3, 4]), tri([4, 5], 'r', [5, 6]), tri([6, 7], 'r', [7, 8]), tri([8, 9], 'r', [9, 10])],
  );
  const Y = sent(['p', 'q', 's'], [tri([0, 1], 'r', [1, 2]), tri([0, 1], 'r2', [1, 2]), tri([1, 2], 'r', [2, 3])]);
  const Z = sent(['x', 'y'], []);
  const preds = [pred(X.triples), pred([tri([0, 1], 'r', [1, 2])]), pred([tri([0, 1], 'r', [1, 2])])];
  const s = score([X, Y, Z], preds, [[], [], []], 'partial');
  closePRF(s.triples, [6 / 7, 6 / 8, (2 * (6 / 7) * (6 / 8)) / (6 / 7 + 6 / 8), 6, 7, 8]);
  assert.deepEqual(Object.keys(s.byCount).sort(), ['0', '3', '>=5']);
  closePRF(s.byCount['>=5'], [1, 1, 1, 5, 5, 5], '>=5');
  closePRF(s.byCount['3'], [1, 1 / 3, 0.5, 1, 1, 3], '3');
  closePRF(s.byCount['0'], [0, 0, 0, 0, 1, 0], '0');
  assert.deepEqual(Object.keys(s.byOverlap).sort(), ['EPO', 'Normal', 'SEO']);
  closePRF(s.byOverlap.Normal, [5 / 6, 1, (2 * (5 / 6)) / (5 / 6 + 1), 5, 6, 5], 'Normal');
  closePRF(s.byOverlap.EPO, [1, 1 / 3, 0.5, 1, 1, 3], 'EPO');
  closePRF(s.byOverlap.SEO, [1, 1 / 3, 0.5, 1, 1, 3], 'SEO');
  // Per relation: r has 5 + 2 gold, 5 + 1 + 1 predicted, 6 correct; r2 1 gold, nothing predicted.
  closePRF(s.perRelation.r, [6 / 7, 6 / 7, 6 / 7, 6, 7, 7], 'r');
  closePRF(s.perRelation.r2, [0, 0, 0, 0, 0, 1], 'r2');
});

test('score: byCount buckets 4 and >=5 split at five distinct gold triples', () => {
  const toks = ['a', 'b', 'c', 'd', 'e', 'f', 'g'];
  const chain = (k: number) => Array.from({ length: k }, (_, i) => tri([i, i + 1], 'r', [i + 1, i + 2]));
  const gold = [sent(toks, chain(4)), sent(toks, chain(6))];
  const s = score(
    gold,
    gold.map(() => pred([])),
    [[], []],
    'partial',
  );
  assert.deepEqual(Object.keys(s.byCount).sort(), ['4', '>=5']);
  assert.equal(s.byCount['4'].gold, 4);
  assert.equal(s.byCount['>=5'].gold, 6);
});

test('formatScores prints the partial row, the NER row and the breakdowns as percentages', () => {
  const { gold, preds, goldEntities } = twoSentences();
  const exact = formatScores(score(gold, preds, goldEntities, 'exact'), true);
  assert.match(exact, /triples, partial match\s+50\.00\s+50\.00\s+50\.00\s+1\s+2\s+2/);
  assert.match(exact, /triples, exact match\s+33\.33\s+50\.00\s+40\.00\s+1\s+3\s+2/);
  assert.match(exact, /NER spans\s+60\.00\s+75\.00\s+66\.67\s+3\s+5\s+4/);
  assert.match(exact, /per relation \(exact match\)/);
  assert.match(exact, /visited\s+50\.00\s+100\.00\s+66\.67/);
  const partial = formatScores(score(gold, preds, goldEntities, 'partial'));
  assert.doesNotMatch(partial, /exact match/);
  assert.doesNotMatch(partial, /per relation/);
});

// ---------------------------------------------------------------------------------------------
// overlapPatterns

test('overlapPatterns: Normal, EPO, SEO and both', () => {
  const toks = ['a', 'b', 'c', 'd', 'e', 'f'];
  assert.deepEqual(overlapPatterns(sent(toks, [])), ['Normal']);
  assert.deepEqual(overlapPatterns(sent(toks, [tri([0, 1], 'r', [1, 2])])), ['Normal']);
  assert.deepEqual(overlapPatterns(sent(toks, [tri([0, 1], 'r', [1, 2]), tri([2, 3], 'r', [3, 4])])), ['Normal']);
  // Same entity pair, two relations.
  assert.deepEqual(overlapPatterns(sent(toks, [tri([0, 1], 'r', [1, 2]), tri([0, 1], 's', [1, 2])])), ['EPO']);
  // One shared entity (as subject of both, as object of both, or subject of one and object of the other).
  assert.deepEqual(overlapPatterns(sent(toks, [tri([0, 1], 'r', [1, 2]), tri([0, 1], 'r', [2, 3])])), ['SEO']);
  assert.deepEqual(overlapPatterns(sent(toks, [tri([0, 1], 'r', [2, 3]), tri([1, 2], 'r', [2, 3])])), ['SEO']);
  assert.deepEqual(overlapPatterns(sent(toks, [tri([0, 1], 'r', [1, 2]), tri([1, 2], 'r', [4, 5])])), ['SEO']);
  // Both.
  assert.deepEqual(overlapPatterns(sent(toks, [tri([0, 1], 'r', [1, 2]), tri([0, 1], 's', [1, 2]), tri([1, 2], 'r', [5, 6])])), ['EPO', 'SEO']);
  // Entities are identified by their last word: "c d" (2-4) and "d" (3-4) are the same head.
  assert.deepEqual(overlapPatterns(sent(toks, [tri([0, 1], 'r', [2, 4]), tri([5, 6], 'r', [3, 4])])), ['SEO']);
});

test('overlapPatterns: a reversed pair (a, r, b) + (b, s, a) is SEO, as in the CopyRE split code', {}, () => {
  const toks = ['a', 'b', 'c'];
  assert.deepEqual(overlapPatterns(sent(toks, [tri([0, 1], 'r', [1, 2]), tri([1, 2], 's', [0, 1])])), ['SEO']);
});

// ---------------------------------------------------------------------------------------------
// biesoSpans  (O=0 B=1 I=2 E=3 S=4)

test('biesoSpans: well-formed sequences', () => {
  assert.deepEqual(biesoSpans([]), []);
  assert.deepEqual(biesoSpans([0, 0, 0]), []);
  assert.deepEqual(biesoSpans([4]), [span(0, 1)]);
  assert.deepEqual(biesoSpans([4, 4]), [span(0, 1), span(1, 2)]);
  assert.deepEqual(biesoSpans([1, 3]), [span(0, 2)]);
  assert.deepEqual(biesoSpans([1, 2, 2, 3]), [span(0, 4)]);
  assert.deepEqual(biesoSpans([0, 1, 2, 3, 0, 4]), [span(1, 4), span(5, 6)]);
  assert.deepEqual(biesoSpans([1, 3, 1, 3]), [span(0, 2), span(2, 4)]);
  assert.deepEqual(biesoSpans(new Int32Array([4, 0, 1, 3])), [span(0, 1), span(2, 4)]);
});

test('biesoSpans: broken sequences are dropped', () => {
  assert.deepEqual(biesoSpans([1]), [], 'B never closed');
  assert.deepEqual(biesoSpans([1, 2]), [], 'B I never closed');
  assert.deepEqual(biesoSpans([3]), [], 'E without B');
  assert.deepEqual(biesoSpans([2, 3]), [], 'I E without B');
  assert.deepEqual(biesoSpans([2, 2]), [], 'I alone');
  assert.deepEqual(biesoSpans([1, 2, 0, 2, 3]), [], 'O inside B..E');
  // A new B restarts the entity.
  assert.deepEqual(biesoSpans([1, 1, 3]), [span(1, 3)]);
  // An S inside an open B..E closes nothing and cancels the open entity.
  assert.deepEqual(biesoSpans([1, 4, 3]), [span(1, 2)]);
  // E closes the entity; a following E is broken.
  assert.deepEqual(biesoSpans([1, 3, 3]), [span(0, 2)]);
  // Out-of-range tag ids behave like O.
  assert.deepEqual(biesoSpans([1, 7, 3]), []);
});

// ---------------------------------------------------------------------------------------------
// decode

/** Logits for n positions, B sentences, l relations, T NER tags; a and c default to -10, bias to 0. */
function logits(n: number, B: number, l: number, T = 5) {
  const v: LogitValues = { n, B, lengths: [], ner: new Float32Array(n * B * T), a: new Float32Array(n * B * l).fill(-10), c: new Float32Array(n * B * l).fill(-10), bias: new Float32Array(l) };
  return {
    v,
    /** NER tag of (position i, sentence b): one clear winner. */
    tag(i: number, b: number, k: number) {
      v.ner[(i * B + b) * T + k] = 5;
    },
    a(i: number, b: number, t: number, x: number) {
      v.a[(i * B + b) * l + t] = x;
    },
    c(j: number, b: number, t: number, x: number) {
      v.c[(j * B + b) * l + t] = x;
    },
  };
}

/** Two sentences (lengths 3 and 2, padded to 3), two relations. */
function scenario() {
  const L = logits(3, 2, 2);
  L.v.lengths = [3, 2];
  // Sentence 0: B E S -> entities (0,2) and (2,3).
  L.tag(0, 0, 1);
  L.tag(1, 0, 3);
  L.tag(2, 0, 4);
  // Sentence 1: S O, and padding (position 2) tagged S, which must be ignored.
  L.tag(0, 1, 4);
  L.tag(1, 1, 0);
  L.tag(2, 1, 4);
  // r0 in sentence 0: a[1] = 1, c[2] = 0.5 -> x(1, 2) = 1.5.
  L.a(1, 0, 0, 1);
  L.c(2, 0, 0, 0.5);
  // r1 in sentence 0: bias -1, a[2] = 2, c[2] = 1 -> x(2, 2) = 2, a self pair.
  L.v.bias[1] = -1;
  L.a(2, 0, 1, 2);
  L.c(2, 0, 1, 1);
  // r0 in sentence 1: a[0] = 0.25, c[1] = -0.25 -> x(0, 1) = 0 exactly: p = 0.5, included.
  L.a(0, 1, 0, 0.25);
  L.c(1, 1, 0, -0.25);
  // r1 in sentence 1: a[0] = 1, bias -1, c[1] = -0.001 -> x = -0.001: p < 0.5, excluded.
  L.a(0, 1, 1, 1);
  L.c(1, 1, 1, -0.001);
  // Padding of sentence 1 (position 2): huge logits that must never be read.
  L.a(2, 1, 0, 100);
  L.c(2, 1, 0, 100);
  L.a(2, 1, 1, 100);
  L.c(2, 1, 1, 100);
  return L.v;
}

/** Decoded entities without their NER scores (checked on their own below). */
const unscored = (es: Prediction['entities']): Span[] => es.map(({ score: _, ...e }) => e);

function approxTriples(actual: Prediction['triples'], expected: { subject: Span; relation: string; object: Span; score: number }[]) {
  assert.equal(actual.length, expected.length, JSON.stringify(actual));
  actual.forEach((t, k) => {
    assert.deepEqual([...unscored([t.subject]), t.relation, ...unscored([t.object])], [expected[k].subject, expected[k].relation, expected[k].object], `triple ${k}`);
    assert.ok(Math.abs(t.score - expected[k].score) < 1e-6, `triple ${k} score ${t.score} vs ${expected[k].score}`);
  });
}

test('decode: time-major layout, entities from BIESO, p >= 0.5 <=> logit >= 0, subject span from the entity ending at the head', () => {
  const [p0, p1] = decode(scenario(), ['r0', 'r1'], { selfPairs: false });
  assert.deepEqual(unscored(p0.entities), [span(0, 2), span(2, 3)]);
  // Head word 1 is the end of entity (0,2); head word 2 is entity (2,3).
  approxTriples(p0.triples, [{ subject: span(0, 2), relation: 'r0', object: span(2, 3), score: sigmoid(1.5) }]);
  assert.deepEqual(unscored(p1.entities), [span(0, 1)]);
  // Word 1 is tagged O: the object span is the word alone.
  approxTriples(p1.triples, [{ subject: span(0, 1), relation: 'r0', object: span(1, 2), score: 0.5 }]);
});

test('decode: selfPairs on adds the (w, t, w) cell; bias is added per relation', () => {
  const [p0, p1] = decode(scenario(), ['r0', 'r1'], { selfPairs: true });
  approxTriples(p0.triples, [
    { subject: span(0, 2), relation: 'r0', object: span(2, 3), score: sigmoid(1.5) },
    { subject: span(2, 3), relation: 'r1', object: span(2, 3), score: sigmoid(2) },
  ]);
  approxTriples(p1.triples, [{ subject: span(0, 1), relation: 'r0', object: span(1, 2), score: 0.5 }]);
});

test('decode: the threshold moves the logit cut to log(p / (1 - p))', () => {
  // p >= 0.8 <=> x >= log 4 = 1.386: keeps 1.5 and 2, drops 0.
  const [p0, p1] = decode(scenario(), ['r0', 'r1'], { selfPairs: true, threshold: 0.8 });
  assert.deepEqual(
    p0.triples.map((t) => t.relation),
    ['r0', 'r1'],
  );
  assert.deepEqual(p1.triples, []);
  // p >= 0.85 <=> x >= 1.735: keeps only the self pair (x = 2).
  const [q0] = decode(scenario(), ['r0', 'r1'], { selfPairs: true, threshold: 0.85 });
  assert.deepEqual(
    q0.triples.map((t) => t.relation),
    ['r1'],
  );
  // A low threshold admits the x = -0.001 cell of sentence 1.
  const [, r1] = decode(scenario(), ['r0', 'r1'], { selfPairs: false, threshold: 0.4 });
  assert.deepEqual(
    r1.triples.map((t) => [t.relation, t.subject.start, t.object.start]),
    [
      ['r0', 0, 1],
      ['r1', 0, 1],
    ],
  );
});

test('decode: every passing (i, j) pair is extracted, including rows whose best column is the diagonal', () => {
  // One sentence of 4 words, one relation. a = [1, -10, 1, -3], c = [-10, 0, -10, 3.5].
  const L = logits(4, 1, 1);
  L.v.lengths = [4];
  for (let i = 0; i < 4; i++) L.tag(i, 0, 0);
  [1, -10, 1, -3].forEach((x, i) => L.a(i, 0, 0, x));
  [-10, 0, -10, 3.5].forEach((x, j) => L.c(j, 0, 0, x));
  const [p] = decode(L.v, ['r'], { selfPairs: false });
  // x(i, j) = a[i] + c[j] >= 0: (0,1)=1, (0,3)=4.5, (2,1)=1, (2,3)=4.5; (3,3)=0.5 is a self pair; (3,1)=-3.
  assert.deepEqual(
    p.triples.map((t) => [t.subject.start, t.object.start]),
    [
      [0, 1],
      [0, 3],
      [2, 1],
      [2, 3],
    ],
  );
  assert.deepEqual(p.entities, []);
  const [q] = decode(L.v, ['r'], { selfPairs: true });
  assert.deepEqual(
    q.triples.map((t) => [t.subject.start, t.object.start]),
    [
      [0, 1],
      [0, 3],
      [2, 1],
      [2, 3],
      [3, 3],
    ],
  );
});

test('decode: NER arg-max over T tags read time-major; padding never becomes an entity', () => {
  // n = 2, B = 3; sentence lengths 2, 1, 2. Tags (i, b): (0,0)=B (1,0)=E; (0,1)=S (1,1)=pad S; (0,2)=O (1,2)=S.
  const L = logits(2, 3, 1);
  L.v.lengths = [2, 1, 2];
  L.tag(0, 0, 1);
  L.tag(1, 0, 3);
  L.tag(0, 1, 4);
  L.tag(1, 1, 4);
  L.tag(0, 2, 0);
  L.tag(1, 2, 4);
  const preds = decode(L.v, ['r'], { selfPairs: false });
  assert.deepEqual(
    preds.map((p) => unscored(p.entities)),
    [[span(0, 2)], [span(0, 1)], [span(1, 2)]],
  );
  assert.ok(preds.every((p) => p.triples.length === 0));
});

test("decode: an entity's score is the mean over its words of the softmax probability of each word's tag", () => {
  // One sentence B E O: word 0's B wins by 5, word 1's E by 2 (every other logit 0, T = 5).
  const L = logits(3, 1, 1);
  L.v.lengths = [3];
  L.tag(0, 0, 1);
  L.v.ner[1 * 5 + 3] = 2;
  L.tag(2, 0, 0);
  const p = (margin: number) => Math.exp(margin) / (Math.exp(margin) + 4);
  const [d] = decode(L.v, ['r'], {});
  assert.deepEqual(unscored(d.entities), [span(0, 2)]);
  assert.ok(Math.abs(d.entities[0].score! - (p(5) + p(2)) / 2) < 1e-9, `score ${d.entities[0].score}`);
  // A triple's word-alone mention (no entity ends there) is scored the same way.
  L.a(2, 0, 0, 5);
  L.c(1, 0, 0, 5);
  const [e] = decode(L.v, ['r'], {});
  assert.ok(Math.abs(e.triples[0].subject.score! - p(5)) < 1e-9 && e.triples[0].object.score === e.entities[0].score);
});

test('decode with entityPairs: only cells between predicted entities, so mentions are entities and never overlap', () => {
  // 4 words tagged S O S O: entities [0,1) and [2,3). a = [1, -10, 1, -3], c = [2, 0, 3.5, 3.5].
  const L = logits(4, 1, 1);
  L.v.lengths = [4];
  [4, 0, 4, 0].forEach((tag, i) => L.tag(i, 0, tag));
  [1, -10, 1, -3].forEach((x, i) => L.a(i, 0, 0, x));
  [2, 0, 3.5, 3.5].forEach((x, j) => L.c(j, 0, 0, x));
  const pairs = (p: Prediction) => p.triples.map((t) => [t.subject.start, t.object.start]);
  // Every cell: (0,1) and (0,3) pass too, with single-word mentions that are not entities.
  assert.deepEqual(pairs(decode(L.v, ['r'], {})[0]), [
    [0, 1],
    [0, 2],
    [0, 3],
    [2, 0],
    [2, 1],
    [2, 3],
    [3, 2],
  ]);
  const [p] = decode(L.v, ['r'], { entityPairs: true });
  assert.deepEqual(pairs(p), [
    [0, 2],
    [2, 0],
  ]);
  for (const t of p.triples) for (const m of [t.subject, t.object]) assert.ok(p.entities.some((e) => e.start === m.start && e.end === m.end));
});
