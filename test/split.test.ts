/**
 * The entity-disjoint split (src/dataset/disjoint.ts) on tiny synthetic pools: no dev entity
 * occurs in train (case-insensitively), every sentence lands in exactly one part, whole
 * clusters move without dropping anything, hubs stay in train, and the result is deterministic.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { type DisjointOptions, type SplitItem, entityDisjointSplit } from '../src/dataset/disjoint.ts';

const item = (a: string, b: string, rel = 'r'): SplitItem => ({ entities: [a, b], relations: [rel] });

// Four clusters that share no entity with each other ("germany" is "Germany").
const POOL: SplitItem[] = [
  item('Paris', 'France'),
  item('Lyon', 'France'),
  item('Paris', 'Eiffel Tower'),
  item('Berlin', 'Germany'),
  item('Hamburg', 'germany'),
  item('Rome', 'Italy'),
  item('Milan', 'Italy'),
  item('Acme', 'Bob'),
  item('acme', 'Carol'),
  item('Zed', 'Yuk'),
];
const OPTS: DisjointOptions = { seed: 1, devSize: 3, maxEntityFreq: 3, minRelationFreq: 1 };
const lower = (pool: SplitItem[], ids: number[]) => new Set(ids.flatMap((k) => pool[k].entities.map((e) => e.toLowerCase())));

function checkDisjoint(pool: SplitItem[], o: DisjointOptions) {
  const s = entityDisjointSplit(pool, o);
  const train = lower(pool, s.train);
  for (const e of lower(pool, s.dev)) assert.ok(!train.has(e), `dev entity ${e} is in train`);
  assert.deepEqual(
    [...s.train, ...s.dev, ...s.dropped].sort((a, b) => a - b),
    pool.map((_, k) => k),
    'each sentence once',
  );
  // Held-out entities are exactly the dev entities (none is held out only to drop sentences).
  assert.deepEqual(s.heldOut, [...lower(pool, s.dev)].sort());
  return s;
}

test('clusters that share no entity go to dev whole: no dev entity in train, nothing dropped', () => {
  const s = checkDisjoint(POOL, OPTS);
  assert.ok(s.dev.length >= 3, `dev ${s.dev}`);
  assert.deepEqual(s.dropped, []);
});

test('a hub entity above maxEntityFreq keeps its sentences out of dev; mixed sentences are dropped', () => {
  const pool = [...POOL, item('Earth', 'Paris'), item('Earth', 'Rome'), item('Earth', 'Acme'), item('Earth', 'Zed'), item('Earth', 'Mars')];
  const s = checkDisjoint(pool, { ...OPTS, devSize: 4 });
  assert.ok(s.dev.length >= 4);
  for (const k of s.dev) assert.ok(!pool[k].entities.includes('Earth'));
  for (const k of s.dropped) assert.ok(pool[k].entities.some((e) => s.heldOut.includes(e.toLowerCase())) && pool[k].entities.includes('Earth'));
});

test('only sentences whose relations are common enough seed dev', () => {
  const pool = POOL.map((it, k) => (k === 9 ? item('Zed', 'Yuk', 'rare') : it));
  const s = checkDisjoint(pool, { ...OPTS, minRelationFreq: 2 });
  assert.ok(!s.dev.includes(9), 'the only "rare" sentence stays in train');
});

test('deterministic: the same pool and options give the same split; the seed only breaks ties', () => {
  const a = entityDisjointSplit(POOL, OPTS);
  assert.deepEqual(entityDisjointSplit(POOL, OPTS), a);
  for (const seed of [2, 3, 4]) checkDisjoint(POOL, { ...OPTS, seed });
});
