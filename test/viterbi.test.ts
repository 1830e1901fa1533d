/**
 * Constrained BIESO decoding: viterbiTags against a brute force over every tag sequence (random
 * logits, untyped T = 5 and typed T = 9), hand-made cases where arg-max is broken, and
 * decode(..., 'viterbi') recovering the entity arg-max loses.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { type LogitValues, type Prediction, biesoSpans, decode } from '../src/eval/decode.ts';
import { viterbiTags } from '../src/eval/viterbi.ts';
import { tagParts } from '../src/features/vocab.ts';

/** mulberry32: a small seeded generator, so failures reproduce. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The rules written out directly from tag parts, independent of viterbi.ts's tag classes. */
function isValid(tags: ArrayLike<number>): boolean {
  let open = -1; // type of the entity left open by the previous tag, -1 if none
  for (let k = 0; k < tags.length; k++) {
    const { prefix, typeIndex } = tagParts(tags[k]);
    if (prefix === 'I' || prefix === 'E') {
      if (open !== typeIndex) return false;
    } else if (open !== -1) return false; // O, B, S need the previous entity closed
    open = prefix === 'B' || prefix === 'I' ? typeIndex : -1;
  }
  return open === -1;
}

/** Sum over words of log softmax(row)[tag], computed plainly (log of a sum of exps, in float64). */
function pathScore(rows: number[][], tags: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < rows.length; i++) {
    const m = Math.max(...rows[i]);
    const lse = m + Math.log(rows[i].reduce((acc, x) => acc + Math.exp(x - m), 0));
    s += rows[i][tags[i]] - lse;
  }
  return s;
}

/** Max path score over all T^len valid sequences. */
function bruteBest(rows: number[][], T: number): number {
  const len = rows.length;
  const tags = new Int32Array(len);
  let best = -Infinity;
  const total = T ** len;
  for (let code = 0; code < total; code++) {
    for (let i = 0, c = code; i < len; i++, c = Math.floor(c / T)) tags[i] = c % T;
    if (isValid(tags)) best = Math.max(best, pathScore(rows, tags));
  }
  return best;
}

/** Rows laid out word-major in a flat array (rowOf = i * T), as the simplest layout. */
const flat = (rows: number[][]) => Float32Array.from(rows.flat());
const viterbiRows = (rows: number[][], T: number) => viterbiTags(flat(rows), (i) => i * T, rows.length, T);
const argmaxRows = (rows: number[][]) => rows.map((r) => r.indexOf(Math.max(...r)));
/** Rows as float32, so the brute force scores exactly what viterbiTags reads. */
const f32 = (rows: number[][]) => rows.map((r) => Array.from(Float32Array.from(r)));

// ---------------------------------------------------------------------------------------------
// brute force

for (const { T, maxLen, seeds } of [
  { T: 5, maxLen: 6, seeds: 120 },
  { T: 9, maxLen: 5, seeds: 120 },
]) {
  test(`viterbiTags T=${T}: valid, and scores the brute-force max over valid sequences (lengths 1..${maxLen}, ${seeds} seeds)`, () => {
    let argmaxBroken = 0;
    for (let seed = 1; seed <= seeds; seed++) {
      const next = rng(seed * 7919 + T);
      const len = 1 + (seed % maxLen);
      // Spread of ±4 so arg-max is often broken and the constraint matters.
      const rows = f32(Array.from({ length: len }, () => Array.from({ length: T }, () => (next() - 0.5) * 8)));
      const tags = viterbiRows(rows, T);
      const what = `T=${T} seed=${seed} tags=${[...tags]}`;
      assert.equal(tags.length, len, what);
      assert.ok(isValid(tags), `${what}: invalid`);
      const best = bruteBest(rows, T);
      assert.ok(Math.abs(pathScore(rows, tags) - best) < 1e-9, `${what}: score ${pathScore(rows, tags)} vs brute force ${best}`);
      // Where arg-max is already valid it is the unconstrained optimum, so Viterbi must agree.
      const am = argmaxRows(rows);
      if (isValid(am)) assert.deepEqual([...tags], am, `${what}: arg-max valid but not kept`);
      else argmaxBroken++;
    }
    assert.ok(argmaxBroken > seeds / 4, `only ${argmaxBroken} broken arg-max cases: the test would not exercise the constraint`);
  });
}

// ---------------------------------------------------------------------------------------------
// hand-made cases

test('viterbiTags untyped: "B B E" becomes B I E, "I E" becomes B E, a trailing B is closed', () => {
  // Arg-max "B B E" reads as the wrong span (1,3); "I E" and "O B" read as nothing.
  //          O  B    I    E  S
  const bbe = [
    [0, 5, 0, 0, 0],
    [0, 3, 2.5, 0, 0],
    [0, 0, 0, 5, 0],
  ];
  assert.deepEqual(argmaxRows(bbe), [1, 1, 3]);
  assert.deepEqual([...viterbiRows(bbe, 5)], [1, 2, 3]);
  assert.equal(pathScore(bbe, viterbiRows(bbe, 5)), bruteBest(bbe, 5));

  const ie = [
    [0, 3, 4, 0, 0],
    [0, 0, 0, 5, 0],
  ];
  assert.deepEqual(argmaxRows(ie), [2, 3]);
  assert.deepEqual([...viterbiRows(ie, 5)], [1, 3]);

  // "O B": the sentence cannot end inside an entity; S is next best at word 1.
  const ob = [
    [5, 0, 0, 0, 0],
    [0, 5, 0, 0, 4],
  ];
  assert.deepEqual([...viterbiRows(ob, 5)], [0, 4]);
});

test('viterbiTags typed: B-x ... E-y of another type becomes one type', () => {
  // T = 9: O, B-0 I-0 E-0 S-0, B-1 I-1 E-1 S-1. Arg-max B-0 E-1 is dropped by biesoSpans.
  const rows = [
    [0, 6, 0, 0, 0, 0, 0, 0, 0],
    [0, 0, 0, 4, 0, 0, 0, 5, 0],
  ];
  assert.deepEqual(argmaxRows(rows), [1, 7]);
  assert.deepEqual(biesoSpans(argmaxRows(rows), ['x', 'y']), []);
  const tags = viterbiRows(rows, 9);
  assert.deepEqual([...tags], [1, 3]);
  assert.deepEqual(biesoSpans(tags, ['x', 'y']), [{ start: 0, end: 2, type: 'x' }]);
});

test('viterbiTags: a valid arg-max sequence is returned unchanged', () => {
  // B I E O S with clear winners, plus noise.
  const next = rng(42);
  const want = [1, 2, 3, 0, 4];
  const rows = want.map((k) => Array.from({ length: 5 }, (_, j) => (j === k ? 3 : 0) + next()));
  assert.deepEqual(argmaxRows(rows), want);
  assert.deepEqual([...viterbiRows(rows, 5)], want);
  // Typed: S-1 O B-0 E-0.
  const wantTyped = [8, 0, 1, 3];
  const typed = wantTyped.map((k) => Array.from({ length: 9 }, (_, j) => (j === k ? 3 : 0) + next()));
  assert.deepEqual([...viterbiRows(typed, 9)], wantTyped);
});

test('viterbiTags: empty and one-word sentences; one word is O or S only', () => {
  assert.deepEqual([...viterbiTags(new Float32Array(0), (i) => i * 5, 0, 5)], []);
  // B wins the row but a lone B is invalid: S is the best of O and S.
  assert.deepEqual([...viterbiRows([[0, 5, 4, 4, 1]], 5)], [4]);
  assert.deepEqual([...viterbiRows([[2, 5, 4, 4, 1]], 5)], [0]);
});

test('viterbiTags: large logits stay finite (log-softmax subtracts the row max)', () => {
  const rows = [
    [1000, 1005, 990, 990, 990],
    [1000, 1003, 1002.5, 990, 990],
    [990, 990, 990, 1005, 1000],
  ];
  assert.deepEqual([...viterbiRows(rows, 5)], [1, 2, 3]);
});

test('viterbiTags: rowOf reads a time-major batch (offset (i * B + b) * T)', () => {
  // B = 2 sentences of 3 words; sentence 1 holds the "B B E" rows, sentence 0 all O.
  const T = 5;
  const B = 2;
  const bbe = [
    [0, 5, 0, 0, 0],
    [0, 3, 2.5, 0, 0],
    [0, 0, 0, 5, 0],
  ];
  const ner = new Float32Array(3 * B * T);
  for (let i = 0; i < 3; i++) {
    ner[(i * B + 0) * T] = 5;
    bbe[i].forEach((x, k) => (ner[(i * B + 1) * T + k] = x));
  }
  assert.deepEqual([...viterbiTags(ner, (i) => (i * B + 0) * T, 3, T)], [0, 0, 0]);
  assert.deepEqual([...viterbiTags(ner, (i) => (i * B + 1) * T, 3, T)], [1, 2, 3]);
});

test('viterbiTags: a tag count that is not 1 + 4·types is rejected', () => {
  for (const T of [0, 1, 4, 6, 8]) assert.throws(() => viterbiTags(new Float32Array(T), () => 0, 1, T), /not a BIESO layout/);
});

// ---------------------------------------------------------------------------------------------
// decode

/** Decoded entities without their scores (those are checked in test/metrics.test.ts). */
const entities = (preds: Prediction[]) => preds.map((p) => p.entities.map(({ score: _, ...e }) => e));

test("decode: 'viterbi' recovers the entities arg-max drops or cuts; the default stays arg-max", () => {
  // B = 2 sentences, time-major, one relation that never fires. Sentence 0: "B B E" (arg-max
  // reads only the second B: span (1,3)); sentence 1: "I E", padded to 3 (arg-max drops it).
  const T = 5;
  const B = 2;
  const rows = [
    [
      [0, 5, 0, 0, 0],
      [0, 3, 2.5, 0, 0],
      [0, 0, 0, 5, 0],
    ],
    [
      [0, 3, 4, 0, 0],
      [0, 0, 0, 5, 0],
      [0, 5, 0, 0, 0],
    ],
  ];
  const ner = new Float32Array(3 * B * T);
  for (let b = 0; b < B; b++) for (let i = 0; i < 3; i++) rows[b][i].forEach((x, k) => (ner[(i * B + b) * T + k] = x));
  const v: LogitValues = { n: 3, B, lengths: [3, 2], ner, a: new Float32Array(3 * B).fill(-10), c: new Float32Array(3 * B).fill(-10), bias: new Float32Array(1) };
  assert.deepEqual(entities(decode(v, ['r'], { selfPairs: false })), [[{ start: 1, end: 3 }], []]);
  assert.deepEqual(entities(decode(v, ['r'], { selfPairs: false, threshold: 0.5, tagDecoding: 'argmax' })), [[{ start: 1, end: 3 }], []]);
  assert.deepEqual(entities(decode(v, ['r'], { selfPairs: false, threshold: 0.5, tagDecoding: 'viterbi' })), [[{ start: 0, end: 3 }], [{ start: 0, end: 2 }]]);
});

test("decode: 'viterbi' with typed tags gives the span its type", () => {
  // T = 9, types x and y; arg-max B-x E-y (dropped), Viterbi B-x E-x.
  const rows = [
    [0, 6, 0, 0, 0, 0, 0, 0, 0],
    [0, 0, 0, 4, 0, 0, 0, 5, 0],
  ];
  const v: LogitValues = { n: 2, B: 1, lengths: [2], ner: flat(rows), a: new Float32Array(2).fill(-10), c: new Float32Array(2).fill(-10), bias: new Float32Array(1) };
  assert.deepEqual(decode(v, ['r'], { types: ['x', 'y'] })[0].entities, []);
  assert.deepEqual(entities(decode(v, ['r'], { types: ['x', 'y'], tagDecoding: 'viterbi' }))[0], [{ start: 0, end: 2, type: 'x' }]);
});
