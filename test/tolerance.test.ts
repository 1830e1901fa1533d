import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PATH_TOLERANCE, assertSameJsonLines, assertSameResults } from './tolerance.ts';

const result = () => ({
  text: 'Aarhus is in Denmark.',
  entities: [
    { text: 'Aarhus', start: 0, end: 6 },
    { text: 'Denmark', start: 13, end: 20 },
  ],
  triples: [{ subject: { text: 'Aarhus', start: 0, end: 6 }, relation: 'country', object: { text: 'Denmark', start: 13, end: 20 }, score: 0.75 }],
});

test('assertSameResults: scores within the tolerance pass; a perturbed score, a missing triple, another offset or relation fail', () => {
  const near = result();
  near.triples[0].score += PATH_TOLERANCE / 2;
  assertSameResults([near], [result()]);

  const far = result();
  far.triples[0].score += PATH_TOLERANCE * 2;
  assert.throws(() => assertSameResults([far], [result()]), /\[0\]\.triples\[0\]\.score: score 0\.7502 vs 0\.75/);

  const missing = result();
  missing.triples.pop();
  assert.throws(() => assertSameResults(missing, result()), /triples: length 0 vs 1/);

  const moved = result();
  moved.triples[0].object.start = 12;
  assert.throws(() => assertSameResults(moved, result()), /triples\[0\]\.object\.start: 12 vs 13/);

  const renamed = result();
  renamed.triples[0].relation = 'location';
  assert.throws(() => assertSameResults(renamed, result()), /relation: "location" vs "country"/);

  // Two triples of near-equal score may come in either order; what they say must still match.
  const two = () => ({
    triples: [
      { relation: 'a', score: 0.5 },
      { relation: 'b', score: 0.5 + PATH_TOLERANCE / 10 },
    ],
  });
  const swapped = two();
  swapped.triples.reverse();
  assertSameResults(swapped, two());
  const other = two();
  other.triples[1].relation = 'c';
  assert.throws(() => assertSameResults(other, two()), /relation: "c" vs "b"/);

  // Only scores get the tolerance: any other number is compared exactly.
  const shifted = { ...result(), count: 1 + PATH_TOLERANCE / 2 };
  assert.throws(() => assertSameResults(shifted, { ...result(), count: 1 }), /count/);
  assert.throws(() => assertSameResults({ ...result(), extra: 1 }, result()), /keys/);
});

test('assertSameJsonLines compares JSON Lines record by record', () => {
  const line = (score: number) => `${JSON.stringify({ line: 1, result: { triples: [{ score }] } })}\n`;
  assertSameJsonLines(line(0.5), line(0.5 + PATH_TOLERANCE / 2));
  assert.throws(() => assertSameJsonLines(line(0.5), line(0.6)), /score/);
  assert.throws(() => assertSameJsonLines(line(0.5), line(0.5) + line(0.5)), /length/);
});
