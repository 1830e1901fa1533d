/** Whole-mention swap (src/features/augment.ts) on hand-made encoded sentences. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { EncodedSentence } from '../src/core/types.ts';
import { Rng } from '../src/engine/rng.ts';
import { mentionPool, swapMentions, tagSpans } from '../src/features/augment.ts';
import { tagId } from '../src/features/vocab.ts';

const [B, I, E, S] = [tagId('B', 0), tagId('I', 0), tagId('E', 0), tagId('S', 0)];
const BORN = 0; // relation ids
const CAPITAL = 1;

/** A sentence whose word k has id 100·tag + k, so every input of a word can be traced. */
function sentence(ner: number[], cells: EncodedSentence['cells'], base: number): EncodedSentence {
  const ids = ner.map((_, k) => base + k);
  return { words: ids, pos: ids.map((w) => w + 1), vec: ids.map((w) => w + 2), chars: ids.map((w) => [w, w]), shape: ids.map((w) => w % 7), sub: ids.map((w) => Float32Array.of(w, -w)), ner, cells };
}

// "Peter Smith was born in Rome ." — birthPlace(Smith → Rome), cells on last words.
const peter = sentence([B, E, 0, 0, 0, S, 0], [{ i: 1, t: BORN, j: 5 }], 100);
// "Ann was born in La Crosse , Wisconsin ." — birthPlace(Ann → Wisconsin).
const ann = sentence([S, 0, 0, 0, B, I, I, E, 0], [{ i: 0, t: BORN, j: 7 }], 200);
// "Oslo is the capital of Norway ." — a subject slot of another relation.
const oslo = sentence([S, 0, 0, 0, 0, S, 0], [{ i: 5, t: CAPITAL, j: 0 }], 300);

test('tagSpans reads BIESO spans, end exclusive', () => {
  assert.deepEqual(tagSpans([B, E, 0, S, B, I, E]), [
    { start: 0, end: 2, type: 0 },
    { start: 3, end: 4, type: 0 },
    { start: 4, end: 7, type: 0 },
  ]);
});

test('mentionPool: each distinct mention under each relation slot it fills', () => {
  const pool = mentionPool([peter, ann, oslo, ann]);
  const words = (slot: string) => pool.get(slot)?.map((p) => p.words);
  assert.deepEqual(words(`0|${BORN}|s`), [[100, 101], [200]], 'subjects of birthPlace (the repeated text adds nothing)');
  assert.deepEqual(words(`0|${BORN}|o`), [[105], [204, 205, 206, 207]], 'objects of birthPlace, whole');
  assert.deepEqual(words(`0|${CAPITAL}|s`), [[305]]);
  assert.deepEqual(words(`0|${CAPITAL}|o`), [[300]]);
  assert.equal(pool.size, 4);
});

test('swapMentions replaces whole mentions by mentions of the same slot, with every input, and moves the cells', () => {
  const pool = mentionPool([ann]);
  const out = swapMentions(peter, pool, 0.999999, new Rng(1));
  // Peter Smith → Ann; Rome → La Crosse , Wisconsin.
  assert.deepEqual(out.words, [200, 102, 103, 104, 204, 205, 206, 207, 106]);
  assert.deepEqual(out.pos, [201, 103, 104, 105, 205, 206, 207, 208, 107]);
  assert.deepEqual(out.vec, [202, 104, 105, 106, 206, 207, 208, 209, 108]);
  assert.deepEqual(
    out.chars,
    out.words.map((w) => [w, w]),
  );
  assert.deepEqual(
    out.shape,
    out.words.map((w) => w % 7),
  );
  assert.deepEqual(
    out.sub!.map((r) => [...r]),
    out.words.map((w) => [w, -w]),
    'subword features move with their words',
  );
  assert.deepEqual(out.ner, [S, 0, 0, 0, B, I, I, E, 0]);
  assert.deepEqual(out.cells, [{ i: 0, t: BORN, j: 7 }], 'the cell sits on the new mentions’ last words');
  assert.deepEqual(peter.words, [100, 101, 102, 103, 104, 105, 106], 'the stored sentence is not changed');
});

test('swapMentions: rate 0 draws nothing; a mention filling no slot, or with a cell inside it, stays', () => {
  const pool = mentionPool([ann, oslo]);
  const rng = new Rng(3);
  const before = rng.state;
  assert.equal(swapMentions(peter, pool, 0, rng), peter);
  assert.equal(rng.state, before, 'no random draw, so runs without the swap draw as before');
  // "Smith" of "Peter Smith" is no relation's argument here: nothing to swap it with.
  const lone = sentence([B, E, 0, S], [], 400);
  assert.equal(swapMentions(lone, pool, 0.999999, new Rng(1)), lone);
  // A cell on "Peter" (inside the span, not its last word) keeps the span as it is.
  const inside = sentence([B, E, 0, 0, 0, S, 0], [{ i: 0, t: BORN, j: 5 }], 500);
  const out = swapMentions(inside, mentionPool([ann]), 0.999999, new Rng(1));
  assert.deepEqual(out.words.slice(0, 2), [500, 501]);
});

test('swapMentions over many draws: every output is well formed and keeps its triples on entity ends', () => {
  const data = [peter, ann, oslo];
  const pool = mentionPool(data);
  const rng = new Rng(7);
  let changed = 0;
  for (let k = 0; k < 200; k++) {
    const s = data[k % 3];
    const out = swapMentions(s, pool, 0.5, rng);
    if (out !== s) changed++;
    const n = out.words.length;
    for (const a of [out.pos, out.vec!, out.chars!, out.shape!, out.sub!, out.ner!]) assert.equal(a.length, n);
    const ends = new Set(tagSpans(out.ner!).map((sp) => sp.end - 1));
    for (const c of out.cells!) assert.ok(ends.has(c.i) && ends.has(c.j), `cell ${JSON.stringify(c)} on entity ends of ${out.ner}`);
    assert.equal(out.cells!.length, s.cells!.length);
  }
  assert.ok(changed > 50 && changed < 200, `${changed} of 200 sentences changed at rate 0.5`);
});
