/**
 * What evaluate() scores against: NER against the data's own entities (not the training targets,
 * which change with --partial-ner), and typed models on untyped data (or the reverse) scored on
 * what both have, with a note, never a silent strict F1 of 0.
 */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { posTags } from '../src/features/pos.ts';
import { type Sentence, sentenceEntities } from '../src/core/types.ts';
import { buildVocabs } from '../src/features/vocab.ts';
import { predictionLine } from '../src/cli/predict.ts';
import { evaluate } from '../src/eval/evaluate.ts';
import { type RinModel, sizesOf } from '../src/io/modelDir.ts';
import { modelConfig, trainConfig } from '../src/model/config.ts';
import { disposeParams, initParams } from '../src/model/params.ts';
import { tinySentences } from './fixtures.ts';
import { setup } from './helpers.ts';

before(setup);

function randomModel(sents: Sentence[], o: { entityTypes?: string[]; partialNer?: 'head' | 'chunk' } = {}): RinModel {
  const vocabs = buildVocabs(sents, (s) => posTags(s.tokens), { entityTypes: o.entityTypes });
  const config = modelConfig({ rounds: 1, wordDim: 8, posDim: 4, hiddenDim: 8, taskDim: 8, reDim: 8, intDim: 8 });
  const params = initParams(config, sizesOf(vocabs), 3);
  return { config, train: trainConfig({ partialNer: o.partialNer ?? 'head' }), vocabs, params, meta: { codeVersion: 'test', seed: 3, spans: 'full', createdAt: '' } };
}

/** The tiny corpus with last-word spans only (as WebNLG* and NYT* annotate). */
function lastWords(): Sentence[] {
  const last = (sp: { start: number; end: number }) => ({ start: sp.end - 1, end: sp.end });
  return tinySentences().map((s) => ({ ...s, entities: undefined, triples: s.triples.map((t) => ({ ...t, subject: last(t.subject), object: last(t.object) })) }));
}

test("NER is scored against the data's entities: the same model and data give the same NER score whatever --partial-ner trained with", () => {
  const sents = lastWords();
  const model = randomModel(sents);
  // Every word tagged S (tag 4): the predictions are all single words, so NER scores tell gold sets apart.
  model.params.get('ner.b')!.assign(tf.tensor1d([0, 0, 0, 0, 100]));
  const head = evaluate(model, sents, 'head', { threshold: 0.5 }).scores.ner;
  model.train = { ...model.train, partialNer: 'chunk' };
  const chunk = evaluate(model, sents, 'head', { threshold: 0.5 }).scores.ner;
  assert.deepEqual(chunk, head);
  assert.ok(head.correct > 0);
  assert.equal(
    head.gold,
    sents.reduce((n, s) => n + sentenceEntities(s).length, 0),
    'every gold entity of the data, once',
  );
  disposeParams(model.params);
});

test('a typed model on untyped data is scored without types, with a note (not a strict F1 of 0)', () => {
  const typedVocabSource = tinySentences().map((s) => ({ ...s, entities: sentenceEntities(s).map((e) => ({ ...e, type: 'Thing' })) }));
  const model = randomModel(typedVocabSource, { entityTypes: ['Thing'] });
  const ev = evaluate(model, tinySentences(), 'full', { threshold: 0.5 });
  assert.equal(ev.scores.mode, 'exact', 'the headline is the untyped exact match');
  assert.ok(
    ev.notes.some((n) => /predicts entity types .* has none/.test(n)),
    ev.notes.join('\n'),
  );
  disposeParams(model.params);
});

test('rin predict lines keep the entity types a typed model predicts', () => {
  const s = tinySentences()[0];
  const john = { start: 0, end: 2, type: 'Per' },
    london = { start: 5, end: 6, type: 'Loc' };
  const line = JSON.parse(predictionLine(s, { entities: [john, london], triples: [{ subject: john, relation: 'born_in', object: london, score: 0.9 }] }));
  assert.deepEqual(line.entities, [
    { text: 'John Smith', start: 0, end: 2, type: 'Per' },
    { text: 'London', start: 5, end: 6, type: 'Loc' },
  ]);
  assert.equal(line.triples[0].subject.type, 'Per');
  assert.equal(line.triples[0].object.type, 'Loc');
});
