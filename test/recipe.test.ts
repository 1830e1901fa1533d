/**
 * The default recipe (model/presets.ts): presets resolve as documented, the open vocabulary
 * keeps the vectors of words never seen in training, a tiny model overfits and round-trips, and
 * a model refuses vectors other than the ones it was trained with.
 */
import assert from 'node:assert/strict';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { Encoder, newStats } from '../src/features/encode.ts';
import { epochBatches, noisy, wordCounts } from '../src/train/epoch.ts';
import { loadVectorTable } from '../src/features/vectorTable.ts';
import { PAD, UNK, NER_TAGS } from '../src/features/vocab.ts';
import { Rng } from '../src/engine/rng.ts';
import { predict } from '../src/eval/predict.ts';
import { readModelDir } from '../src/io/modelDir.ts';
import { makeBatch } from '../src/model/batch.ts';
import { DEFAULT_MODEL, DEFAULT_TRAIN, modelConfig } from '../src/model/config.ts';
import { disposeParams, initParams } from '../src/model/params.ts';
import { forward } from '../src/model/rin.ts';
import { resolveSettings, train } from '../src/train/trainer.ts';
import { TINY_CORPUS, tinyCasrelJson, tinySentences } from './fixtures.ts';
import { setup, tempFolders } from './helpers.ts';

before(setup);
const tmp = tempFolders('rin-recipe-');
const root = tmp.fresh();
process.env.RIN_CACHE_DIR = join(root, 'cache'); // small vector files of these tests are cached here, not in ~/.cache

/** An 8-d vectors file for the tiny corpus's words (every fifth left out) plus `extra` words. */
function vectorsFile(name: string, seed: number, extra: string[] = []): string {
  const rng = new Rng(seed);
  const words = [...new Set(TINY_CORPUS.flatMap(([t]) => t.toLowerCase().split(' ')))].filter((_, k) => k % 5 !== 0);
  const lines = [...words, ...extra].map((w) => `${w} ${Array.from({ length: 8 }, () => rng.normal().toFixed(4)).join(' ')}`);
  return tmp.write(root, name, lines.join('\n') + '\n');
}

test('presets: paper is exactly the paper defaults; default differs; an unknown preset is an error', () => {
  const paper = resolveSettings({ preset: 'paper' });
  assert.deepEqual(paper.model, DEFAULT_MODEL);
  assert.deepEqual(paper.training, DEFAULT_TRAIN);
  const dflt = resolveSettings({});
  assert.equal(dflt.preset, 'default');
  assert.equal(dflt.model.wordInput, 'open');
  assert.equal(dflt.model.tagDecoding, 'viterbi');
  assert.ok(dflt.model.charDim > 0 && dflt.training.mentionDropout > 0);
  assert.equal(resolveSettings({ model: { charDim: 0, charFilters: 0 } }).model.charDim, 0, 'user settings override the preset');
  assert.throws(() => resolveSettings({ preset: 'bogus' as never }), /unknown preset "bogus"/);
  assert.throws(() => modelConfig({ charDim: 5 }), /charDim.*charFilters/);
});

test('open vocabulary: a word unseen in training keeps its vector; a word nothing knows is <unk>', () => {
  const table = loadVectorTable(vectorsFile('lookup.txt', 1, ['zanzibar']));
  const vocabs = { words: [PAD, UNK, 'Paris', 'lives'], pos: [PAD, UNK], ner: [...NER_TAGS], relations: [] };
  const { enc } = new Encoder(vocabs, table).encodeInput({ tokens: ['Zanzibar', 'lives', 'Qwxyz'], triples: [], source: { file: 't', record: 0 } });
  assert.equal(enc.words[0], 0, 'no trained correction for an unseen word');
  assert.equal(enc.vec![0], table.lookup('zanzibar'));
  assert.ok(enc.vec![0] >= 0);
  assert.equal(enc.words[1], 3, 'a training word gets its correction');
  assert.deepEqual([enc.words[2], enc.vec![2]], [1, -1], 'a word with no vector and no correction is <unk>');
  const batch = makeBatch([enc], table);
  const row = table.lookup('zanzibar');
  assert.deepEqual([...batch.vectors!.subarray(0, 8)], [...table.vectors.subarray(row * 8, row * 8 + 8)]);
  assert.deepEqual([...batch.vectors!.subarray(16, 24)], new Array(8).fill(0));
});

test('forward with open vocabulary, characters and shapes: logits of the right shapes', () => {
  const table = loadVectorTable(vectorsFile('shapes.txt', 2));
  const sents = tinySentences().slice(0, 3);
  const vocabs = { words: [PAD, UNK, 'was', 'in'], pos: [PAD, UNK, 'NNP', 'VBD', 'IN', '.'], ner: [...NER_TAGS], relations: ['a', 'b'], chars: [PAD, UNK, ...'abcdefghijklmnopqrstuvwxyzJMSPAGL'] };
  const cfg = modelConfig({ wordInput: 'open', wordDim: 8, posDim: 3, hiddenDim: 10, taskDim: 6, reDim: 5, intDim: 4, charDim: 4, charFilters: 5, shapeFeatures: true, rounds: 2 });
  const params = initParams(cfg, { words: 4, posTags: 6, nerTags: 5, relations: 2, chars: vocabs.chars.length }, 1);
  const enc = new Encoder(vocabs, table, true);
  const batch = makeBatch(
    sents.map((s) => enc.encodeInput(s).enc),
    table,
  );
  assert.ok(batch.shape && !new Encoder(vocabs, table).encodeInput(sents[0]).enc.shape, 'shapes only when the model reads them');
  const out = tf.tidy(() => {
    const o = forward(params, cfg, batch, { training: true, seed: 3 });
    return [o.ner.shape, o.a.shape, o.c.shape].map((s) => s.join(','));
  });
  assert.deepEqual(out, [`${batch.n * 3},5`, `${batch.n},3,2`, `${batch.n},3,2`]);
  disposeParams(params);
});

test('a tiny default-recipe model overfits, round-trips, and refuses other vectors', async () => {
  const data = tmp.write(root, 'tiny.json', tinyCasrelJson());
  const vectors = vectorsFile('train.txt', 3);
  const r = await train({
    train: data,
    dev: data,
    out: join(root, 'run'),
    embeddings: vectors,
    load: { spans: 'full' },
    model: { wordDim: 8, posDim: 4, hiddenDim: 24, taskDim: 24, reDim: 16, intDim: 16, rounds: 2, charDim: 8, charFilters: 12 },
    training: { lr: 0.01, batchSize: 4, epochs: 60, patience: 60, seed: 1, minWordCount: 1 },
    log: () => {},
    progress: false,
  });
  assert.equal(r.history[r.bestEpoch - 1].dev.f1, 1, 'the training data is reproduced exactly');
  const dir = join(root, 'run', 'model');
  const head = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
  assert.equal(head.meta.preset, 'default');
  assert.equal(head.vectors.sha256, r.model.table!.sha256, 'model.json names its vectors with their checksum');
  const again = readModelDir(dir);
  const sents = tinySentences();
  assert.deepEqual(predict(again, sents).predictions, predict(r.model, sents).predictions, 'a reloaded model predicts the same');

  const moved = join(root, 'moved-model');
  cpSync(dir, moved, { recursive: true });
  const f = join(moved, 'model.json');
  writeFileSync(f, JSON.stringify({ ...head, vectors: { ...head.vectors, source: join(root, 'gone.txt') } }));
  assert.throws(() => readModelDir(moved), /gone\.txt does not exist; pass that file with --embeddings/);
  assert.throws(() => readModelDir(moved, { embeddings: vectorsFile('other.txt', 4) }), /trained with word vectors .*sha256.*pass the original file with --embeddings/);
  const ok = readModelDir(moved, { embeddings: vectors });
  assert.equal(ok.table!.sha256, head.vectors.sha256);
  for (const m of [r.model, again, ok]) disposeParams(m.params);
});

test('an epoch runs whole passes until minEpochUpdates updates (small data sets get enough updates)', async () => {
  const data = tmp.write(root, 'tiny2.json', tinyCasrelJson());
  const r = await train({
    train: data,
    dev: data,
    out: join(root, 'passes'),
    preset: 'paper',
    load: { spans: 'full' },
    model: { wordDim: 8, posDim: 4, hiddenDim: 8, taskDim: 8, reDim: 8, intDim: 8, rounds: 1 },
    training: { batchSize: 4, epochs: 1, seed: 1 },
    log: () => {},
    progress: false,
  });
  const enc = new Encoder(r.model.vocabs);
  const encoded = tinySentences().map((s) => enc.encode(s, { spans: 'full', partialNer: 'head', selfPairs: false }, newStats()));
  const run = (minEpochUpdates: number) =>
    [...epochBatches({ ...r.model, train: { ...r.model.train, minEpochUpdates } }, encoded, { counts: wordCounts(encoded), mentions: [], pool: new Map() }, new Rng(1))].reduce(
      (n, b) => n + b.items.length,
      0,
    );
  assert.equal(run(0), 8, 'one pass: 8 sentences in 2 batches');
  assert.equal(run(2), 8, '2 updates fit in one pass');
  assert.equal(run(5), 24, '5 updates need 3 passes of 2 batches');
  disposeParams(r.model.params);
});

test('mention dropout hides only words of gold entities (vector and correction), keeps characters; rate 0 draws nothing', () => {
  const s = { words: [5, 6, 7, 8], pos: [2, 2, 2, 2], vec: [10, 11, 12, 13], chars: [[2], [3], [4], [5]], shape: [1, 1, 4, 1], ner: [1, 3, 0, 4], cells: [] };
  const noise = {
    counts: new Map([
      [5, 3],
      [6, 3],
      [7, 3],
      [8, 3],
    ]),
    mentions: [{ word: 9, vec: 20, chars: [7, 7], shape: 2 }],
    pool: new Map(),
  };
  const rates = (mentionDropout: number, mentionReplace: number) => ({ unkReplace: 0, mentionDropout, mentionReplace, mentionSwap: 0 });
  const rng = new Rng(9);
  const before = rng.state;
  assert.equal(noisy(s, noise, rates(0, 0), rng), s, 'no noise: the same sentence');
  assert.equal(rng.state, before, 'and no random draw, so the paper recipe draws as before');
  const swapped = noisy(s, noise, rates(0, 0.999999), new Rng(1));
  assert.deepEqual(
    [swapped.words, swapped.vec, swapped.chars, swapped.shape],
    [
      [9, 9, 7, 9],
      [20, 20, 12, 20],
      [[7, 7], [7, 7], [4], [7, 7]],
      [2, 2, 4, 2],
    ],
    'mention replacement swaps whole entity words',
  );
  const hidden = noisy(s, noise, rates(0.999999, 0), new Rng(1));
  assert.deepEqual(hidden.words, [1, 1, 7, 1], 'entity words → <unk>');
  assert.deepEqual(hidden.vec, [-1, -1, 12, -1], 'and lose their pre-trained vector');
  assert.deepEqual(hidden.chars, s.chars, 'characters stay');
  assert.deepEqual(hidden.shape, s.shape, 'and so does the shape');
  assert.deepEqual(s.words, [5, 6, 7, 8], 'the stored sentence is not changed');
});
