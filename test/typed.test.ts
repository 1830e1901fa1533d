/**
 * Typed entities: BIESO × types tags, typed decoding, the typed-literature metrics (entities,
 * strict and boundaries-only relations, symmetric relations), a tiny typed model that must
 * overfit, and the untyped path unchanged (golden predictions made before types existed).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { Encoder, newStats } from '../src/features/encode.ts';
import { posTags } from '../src/features/pos.ts';
import type { Sentence } from '../src/core/types.ts';
import { buildVocabs, entityTypesOf, nerTags, tagId, tagParts } from '../src/features/vocab.ts';
import { Rng } from '../src/engine/rng.ts';
import { biesoSpans } from '../src/eval/decode.ts';
import { evaluate } from '../src/eval/evaluate.ts';
import { score } from '../src/eval/metrics.ts';
import { sizesOf } from '../src/io/modelDir.ts';
import { makeBatch } from '../src/model/batch.ts';
import { modelConfig, trainConfig } from '../src/model/config.ts';
import { disposeParams, initParams } from '../src/model/params.ts';
import { bucketedBatches } from '../src/model/batches.ts';
import { trainStep } from '../src/train/step.ts';
import { tinySentences } from './fixtures.ts';
import { untypedRun } from './golden.ts';
import { setup } from './helpers.ts';
import { assertSameResults } from './tolerance.ts';

before(setup);

const TYPES: Record<string, string> = {
  John: 'Per',
  Smith: 'Per',
  Mary: 'Per',
  Peter: 'Per',
  Anna: 'Per',
  Lee: 'Per',
  Tom: 'Per',
  Wu: 'Per',
  Bob: 'Per',
  Sara: 'Per',
  London: 'Loc',
  Paris: 'Loc',
  Berlin: 'Loc',
  Rome: 'Loc',
  Oslo: 'Loc',
  Madrid: 'Loc',
  Vienna: 'Loc',
  Lima: 'Loc',
  Acme: 'Org',
  Corp: 'Org',
  Globex: 'Org',
  Initech: 'Org',
};

/** The tiny corpus with typed entities, listed as SpERT/JSONL data lists them. */
function typedSentences(): Sentence[] {
  return tinySentences().map((s) => {
    const type = (sp: { start: number; end: number }) => TYPES[s.tokens[sp.end - 1]];
    const triples = s.triples.map((t) => ({ subject: { ...t.subject, type: type(t.subject) }, relation: t.relation, object: { ...t.object, type: type(t.object) } }));
    const entities = [...new Map(triples.flatMap((t) => [t.subject, t.object]).map((e) => [`${e.start}:${e.end}`, e])).values()];
    return { ...s, triples, entities };
  });
}

test('the untyped path gives exactly the predictions it gave before entity types existed (scores within float rounding)', () => {
  const golden = JSON.parse(readFileSync(new URL('./golden/untyped.json', import.meta.url), 'utf8'));
  // Scores within the tolerance: 60 training steps on another CPU's BLAS round differently.
  // Entities' NER scores came after the golden file: everything it holds must be unchanged.
  const run = JSON.parse(JSON.stringify(untypedRun()), (_key, v) => (v && typeof v === 'object' && 'start' in v && 'end' in v && 'score' in v && !('relation' in v) ? { ...v, score: undefined } : v));
  assertSameResults(JSON.parse(JSON.stringify(run)), golden, 'untyped predictions vs golden');
});

test("typed tags: O, then B/I/E/S per type; untyped keeps the paper's O B I E S ids", () => {
  assert.deepEqual(nerTags(), ['O', 'B', 'I', 'E', 'S']);
  const tags = nerTags(['Drug', 'Adverse-Effect']);
  assert.deepEqual(tags, ['O', 'B-Drug', 'I-Drug', 'E-Drug', 'S-Drug', 'B-Adverse-Effect', 'I-Adverse-Effect', 'E-Adverse-Effect', 'S-Adverse-Effect']);
  assert.deepEqual(entityTypesOf(tags), ['Drug', 'Adverse-Effect'], 'a type name may itself contain "-"');
  assert.deepEqual(entityTypesOf(nerTags()), []);
  assert.equal(tags[tagId('E', 1)], 'E-Adverse-Effect');
  assert.deepEqual(tagParts(tagId('S', 1)), { prefix: 'S', typeIndex: 1 });
  assert.deepEqual(tagParts(0), { prefix: 'O', typeIndex: -1 });
});

test('typed BIESO decoding keeps one type per span and drops broken ones', () => {
  const T = ['Per', 'Loc'];
  const [B0, I0, E0, S0, B1, I1, E1, S1] = [tagId('B', 0), tagId('I', 0), tagId('E', 0), tagId('S', 0), tagId('B', 1), tagId('I', 1), tagId('E', 1), tagId('S', 1)];
  assert.deepEqual(biesoSpans([B0, I0, E0, 0, S1], T), [
    { start: 0, end: 3, type: 'Per' },
    { start: 4, end: 5, type: 'Loc' },
  ]);
  assert.deepEqual(
    biesoSpans([B0, I1, E0, B1, E1, S0], T),
    [
      { start: 3, end: 5, type: 'Loc' },
      { start: 5, end: 6, type: 'Per' },
    ],
    'a type change inside B I E breaks the span',
  );
  assert.deepEqual(biesoSpans([B0, E1], T), []);
  assert.deepEqual(
    biesoSpans([B0, I0, E0, S0]),
    [
      { start: 0, end: 3 },
      { start: 3, end: 4 },
    ],
    'untyped spans carry no type',
  );
});

test('metrics: entities with types, strict vs boundaries-only relations, symmetric relations', () => {
  const s: Sentence = {
    tokens: ['a', 'b', 'c', 'd'],
    source: { file: 't', record: 0 },
    entities: [
      { start: 0, end: 1, type: 'X' },
      { start: 2, end: 4, type: 'Y' },
      { start: 1, end: 2, type: 'X' },
    ],
    triples: [{ subject: { start: 0, end: 1, type: 'X' }, relation: 'Compare', object: { start: 2, end: 4, type: 'Y' } }],
  };
  const reversed = { subject: { start: 2, end: 4, type: 'Y' }, relation: 'Compare', object: { start: 0, end: 1, type: 'X' }, score: 0.9 };
  const pred = {
    entities: [
      { start: 0, end: 1, type: 'X' },
      { start: 2, end: 4, type: 'X' },
    ],
    triples: [reversed],
  };
  const sym = score([s], [pred], [[]], 'exact', { typed: true, symmetric: ['Compare'] });
  assert.equal(sym.mode, 'strict');
  assert.equal(sym.strict.correct, 1, 'a symmetric relation matches in the other direction');
  assert.deepEqual([sym.entities.correct, sym.entities.predicted, sym.entities.gold], [1, 2, 3], 'every gold entity counts, also one in no relation; a wrong type is wrong');
  const asym = score([s], [pred], [[]], 'exact', { typed: true });
  assert.equal(asym.strict.correct, 0, 'not declared symmetric: direction matters');
  const wrongType = { entities: [], triples: [{ ...s.triples[0], object: { start: 2, end: 4, type: 'X' }, score: 0.9 }] };
  const w = score([s], [wrongType], [[]], 'exact', { typed: true });
  assert.deepEqual([w.strict.correct, w.boundaries.correct], [0, 1], 'strict needs the types, boundaries-only does not');
  assert.deepEqual(w.triples, w.strict, 'typed data: the headline is the strict score');
});

test('a tiny typed RIN overfits: strict relation F1 = 1, entity F1 = 1, predictions carry types', () => {
  const sents = typedSentences();
  const vocabs = buildVocabs(sents, (s) => posTags(s.tokens), { entityTypes: ['Per', 'Loc', 'Org'] });
  assert.equal(vocabs.ner.length, 13);
  const config = modelConfig({ rounds: 2, wordDim: 16, posDim: 4, hiddenDim: 24, taskDim: 24, reDim: 16, intDim: 16, inputDropout: 0 });
  const model = {
    config,
    train: trainConfig({ lr: 0.01, batchSize: 4 }),
    vocabs,
    params: initParams(config, sizesOf(vocabs), 1),
    meta: { codeVersion: 'test', seed: 1, spans: 'full' as const, createdAt: '' },
  };
  const enc = new Encoder(vocabs);
  const stats = newStats();
  const data = sents.map((s) => enc.encode(s, { spans: 'full', partialNer: 'head', selfPairs: false }, stats));
  assert.equal(stats.unknownTypes.size, 0);
  assert.ok(data[0].ner!.includes(tagId('B', 0)) && data[0].ner!.includes(tagId('S', 1)), 'John Smith is B-Per E-Per, London S-Loc');
  const opt = tf.train.adam(0.01);
  const rng = new Rng(2);
  for (let step = 0; step < 300; )
    for (const idx of bucketedBatches(
      data.map((d) => d.words.length),
      4,
      rng,
    ))
      if (step++ < 300) trainStep(model.params, config, opt, makeBatch(idx.map((k) => data[k])), rng.int(), 5);
  opt.dispose();
  const ev = evaluate(model, sents, 'full');
  assert.equal(ev.scores.mode, 'strict');
  assert.equal(ev.scores.strict.f1, 1, `strict F1 ${ev.scores.strict.f1}`);
  assert.equal(ev.scores.entities.f1, 1, `entity F1 ${ev.scores.entities.f1}`);
  disposeParams(model.params);
});
