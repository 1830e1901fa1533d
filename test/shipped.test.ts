/** The shipped model on sentences a user would type: what the product promises beyond the test model. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadModel } from '../src/extract/load.ts';
import { setup } from './helpers.ts';

test('a word of the subject that the model links as an object never becomes an overlapping mention', { timeout: 120_000 }, async () => {
  await setup();
  const x = await loadModel();
  try {
    // The cell (Schiphol, cityServed, first "Amsterdam") scores higher than the later "Amsterdam":
    // read per cell, the object was "Amsterdam" at [0, 9), inside the subject.
    const text = 'Amsterdam Airport Schiphol serves Amsterdam and its runway length is 3800 metres.';
    for (const threshold of [0.5, 0.05]) {
      const r = x.extractSync(text, { threshold });
      const key = (m: { start: number; end: number }) => `${m.start}:${m.end}`;
      const entities = new Set(r.entities.map(key));
      for (let k = 1; k < r.entities.length; k++) assert.ok(r.entities[k - 1].end <= r.entities[k].start, `entities overlap: ${JSON.stringify(r.entities)}`);
      for (const t of r.triples) {
        assert.ok(entities.has(key(t.subject)) && entities.has(key(t.object)), 'mentions are entities');
        assert.ok(t.subject.end <= t.object.start || t.object.end <= t.subject.start, `subject and object overlap: ${JSON.stringify(t)}`);
      }
    }
  } finally {
    x.dispose();
  }
});

test('threshold 0: triples most likely first, and no entity related to itself unless selfTriples is asked for', { timeout: 120_000 }, async () => {
  await setup();
  const x = await loadModel();
  try {
    const text = 'Aarhus Airport serves the city of Aarhus in Denmark.';
    const same = (t: { subject: { start: number; end: number }; object: { start: number; end: number } }) => t.subject.start === t.object.start && t.subject.end === t.object.end;
    const r = x.extractSync(text, { threshold: 0 });
    assert.ok(r.triples.length > 10, `threshold 0 reports every pair and relation (${r.triples.length})`);
    assert.equal(r.triples.filter(same).length, 0, 'no self-relation');
    for (let k = 1; k < r.triples.length; k++) assert.ok(r.triples[k - 1].score >= r.triples[k].score, `sorted by score at ${k}`);
    const withSelf = x.extractSync(text, { threshold: 0, selfTriples: true });
    assert.ok(withSelf.triples.some(same), 'selfTriples: true keeps them (this model scores w = w′ cells)');
    assert.equal(withSelf.triples.length - withSelf.triples.filter(same).length, r.triples.length);
  } finally {
    x.dispose();
  }
});
