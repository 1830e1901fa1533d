/**
 * The ONNX export (src/onnx/) against the tfjs forward pass: logits of every model variant on
 * random weights, the shipped models' extractions on real sentences, an exported file in a fresh
 * onnxruntime session, and the engine choice of loadModel(). Skipped, with a note, when the
 * optional dependency onnxruntime-node is not installed.
 *
 * Tolerance: logits agree within 1e-3 absolute at real words (float32 matmuls summed in another
 * order; measured about 2e-5 on the shipped models); entities and triples are identical, scores
 * within 1e-4.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { readJson } from '../src/core/files.ts';
import { encoderFor } from '../src/features/encode.ts';
import { inferLogits } from '../src/eval/predict.ts';
import { loadModel } from '../src/extract/load.ts';
import type { RinModel } from '../src/io/modelDir.ts';
import { readModelDir } from '../src/io/modelDir.ts';
import { makeBatch, type Batch } from '../src/model/batch.ts';
import { type ModelConfig, DEFAULT_TRAIN, modelConfig } from '../src/model/config.ts';
import { disposeParams, initParams } from '../src/model/params.ts';
import { exportOnnx } from '../src/onnx/export.ts';
import { OnnxRunner, loadOrt } from '../src/onnx/runner.ts';
import { splitText } from '../src/text/split.ts';
import { Rng } from '../src/engine/rng.ts';
import { MAX_CHARS } from '../src/features/wordFeatures.ts';
import { setup, tempFolders } from './helpers.ts';
import { assertSameResults } from './tolerance.ts';
import { rin, show } from './cli-run.ts';
import type { EncodedSentence } from '../src/core/types.ts';

const ort = await loadOrt();
const skip = ort ? false : 'onnxruntime-node is not installed (an optional dependency): the ONNX path is not tested';
const TOL = 1e-3;
const models = fileURLToPath(new URL('../models/', import.meta.url));
const devFile = fileURLToPath(new URL('../../shared/data/webnlg-exact/dev_triples.json.gz', import.meta.url));

/** Real sentences: a few written here, and the first 120 WebNLG dev texts when the shared data is there. */
function realTexts(): string[] {
  const own = [
    'Aarhus Airport serves the city of Aarhus in Denmark.',
    'Alan Bean was born in Wheeler, Texas and was a crew member of Apollo 12, operated by NASA.',
    'The Acharya Institute of Technology in Bangalore, India, is affiliated with Visvesvaraya Technological University.',
    'Ajoblanco is a food found in Spain, where the leader is Felipe VI.',
    'Hi.',
    'Amsterdam Airport Schiphol serves Amsterdam and its runway length is 3800 metres.',
  ];
  if (!existsSync(devFile)) return own;
  const dev = (readJson(devFile) as { text: string }[]).slice(0, 120).map((r) => r.text.replace(/ ([.,;:!?)'])/g, '$1').replace(/\( /g, '('));
  return [...own, ...dev];
}

/** Max |x − y| over the rows of real words (padding rows differ by design: ONNX's LSTM stops at each length). */
function maxDiff(x: ArrayLike<number>, y: ArrayLike<number>, mask: Float32Array | null): number {
  assert.equal(x.length, y.length);
  const per = mask ? x.length / mask.length : 0;
  let worst = 0;
  for (let q = 0; q < x.length; q++) if (!mask || mask[Math.floor(q / per)]) worst = Math.max(worst, Math.abs(x[q] - y[q]));
  return worst;
}

async function assertSameLogits(runner: OnnxRunner, m: RinModel, batch: Batch, what: string): Promise<void> {
  const want = inferLogits(m.params, m.config, batch);
  const got = await runner.run(batch);
  for (const k of ['ner', 'a', 'c', 'bias'] as const) {
    const d = maxDiff(got[k], want[k] as Float32Array, k === 'bias' ? null : batch.mask);
    assert.ok(d <= TOL, `${what}: ${k} differs by ${d} > ${TOL}`);
  }
}

function batchOf(m: RinModel, texts: string[]): Batch {
  const enc = encoderFor(m.vocabs, m.table, m.config.shapeFeatures);
  const sentences = texts.flatMap((t) => splitText(t)).map((s, k) => enc.encodeInput({ tokens: s.tokens.map((t) => t.text), triples: [], source: { file: 'test', record: k } }).enc);
  return makeBatch(sentences, m.table);
}

for (const name of ['webnlg-union-rin', 'webnlg-exact-rin', 'webnlg-exact-paper']) {
  test(`${name}: onnxruntime and tfjs give the same logits, entities and triples on real sentences`, { skip, timeout: 300_000 }, async () => {
    await setup();
    const texts = realTexts();
    const onnx = await loadModel(join(models, name), { engine: 'onnx' });
    const tfjs = await loadModel(join(models, name), { engine: 'tfjs' });
    try {
      assert.equal(onnx.engine, 'onnx');
      assert.equal(tfjs.engine, 'tfjs');
      const runner = await OnnxRunner.create(onnx.model);
      await assertSameLogits(runner, onnx.model, batchOf(onnx.model, texts.slice(0, 40)), name);
      await runner.release();
      const got = await onnx.extract(texts);
      const want = tfjs.extractSync(texts);
      assertSameResults(got, want, 'onnxruntime vs tfjs');
      const triples = got.reduce((n, g) => n + g.triples.length, 0);
      assert.ok(triples >= 5, `the sentences have triples to compare (${triples})`);
      // extractStream goes through the same engine.
      const streamed: unknown[] = [];
      for await (const r of onnx.extractStream(texts.slice(0, 10), { group: 4 })) streamed.push(r);
      assertSameResults(streamed, want.slice(0, 10), 'extractStream on onnxruntime');
    } finally {
      onnx.dispose();
      tfjs.dispose();
    }
  });
}

/** Random-weight models of every variant the config allows, on synthetic batches. */
const VARIANTS: [string, Partial<ModelConfig>][] = [
  ['rin, closed vocabulary (the paper)', {}],
  ['rin, self pairs, INT without ȳ (RIN−ȳ)', { selfPairs: true, intUsesEnt: false }],
  ['rin, INT without ŷ (RIN−ỹ)', { intUsesRel: false }],
  ['rin, INT without inputs', { intUsesRel: false, intUsesEnt: false, intUsesH: false }],
  ['rin, open vocabulary, chars, shapes (the default preset)', { wordInput: 'open', charDim: 5, charFilters: 7, shapeFeatures: true }],
  ['rin_rnn', { variant: 'rin_rnn', rounds: 2 }],
  ['rin_linear', { variant: 'rin_linear', rounds: 2 }],
  ['bilstm', { variant: 'bilstm' }],
  ['bilstm_s', { variant: 'bilstm_s' }],
];

function syntheticModel(over: Partial<ModelConfig>, seed: number): RinModel {
  const config = modelConfig({ wordDim: 6, posDim: 3, hiddenDim: 8, taskDim: 5, reDim: 4, intDim: 3, rounds: 3, ...over });
  const sizes = { words: 30, posTags: 9, nerTags: 5, relations: 4, chars: 12 };
  const params = initParams(config, sizes, seed);
  // Biases start at zero: give them values, so a misplaced bias is seen.
  const rng = new Rng(seed + 1);
  for (const [k, v] of params) {
    if (v.rank === 1) v.assign(v.add(Float32Array.from({ length: v.size }, () => rng.normal() * 0.5)));
    if (k === 'emb.word' && config.wordInput === 'open') {
      const rows = v.dataSync().slice();
      rows.fill(0, 0, v.shape[1]!); // row 0 of the corrections stays zero, as training keeps it
      v.assign(tf.tensor(rows, v.shape));
    }
  }
  const vocabs = { words: [], pos: [], ner: ['O', 'B', 'I', 'E', 'S'], relations: ['r0', 'r1', 'r2', 'r3'] } as unknown as RinModel['vocabs'];
  return { config, train: DEFAULT_TRAIN, vocabs, params, meta: { codeVersion: 'test', seed, spans: 'full', createdAt: '' } };
}

function syntheticBatch(m: RinModel, seed: number, lengths: number[]): Batch {
  const rng = new Rng(seed);
  const int = (k: number) => Math.floor(rng.next() * k);
  const items: EncodedSentence[] = lengths.map((len) => ({
    words: Array.from({ length: len }, () => int(30)),
    pos: Array.from({ length: len }, () => 1 + int(8)),
    vec: Array.from({ length: len }, () => int(5) - 1), // some words without a pre-trained row
    chars: Array.from({ length: len }, () => Array.from({ length: 1 + int(MAX_CHARS + 3) }, () => 1 + int(11))),
    shape: Array.from({ length: len }, () => int(256)),
  }));
  const table = { dim: m.config.wordDim, vectors: Float32Array.from({ length: 4 * m.config.wordDim }, () => rng.normal()) };
  const b = makeBatch(items, table);
  if (m.config.wordInput === 'closed') delete b.vectors;
  return b;
}

for (const [i, [what, over]] of VARIANTS.entries()) {
  test(`export of ${what}: the same logits as tfjs (random weights, sentences of 1 to 7 words)`, { skip }, async () => {
    await setup();
    const m = syntheticModel(over, 10 + i);
    const runner = await OnnxRunner.create(m);
    try {
      await assertSameLogits(runner, m, syntheticBatch(m, 20 + i, [7, 1, 4, 2, 7]), what);
      await assertSameLogits(runner, m, syntheticBatch(m, 30 + i, [3]), `${what}, one sentence`); // dynamic n and B
    } finally {
      await runner.release();
      disposeParams(m.params);
    }
  });
}

test('rin export --onnx writes a file that a fresh onnxruntime session runs to the same logits', { skip, timeout: 120_000 }, async () => {
  await setup();
  const dir = tempFolders('rin-onnx').fresh();
  const out = join(dir, 'paper.onnx');
  const r = rin(['export', '--onnx', join(models, 'webnlg-exact-paper'), out]);
  assert.equal(r.code, 0, show(r));
  const m = readModelDir(join(models, 'webnlg-exact-paper'));
  try {
    const bytes = readFileSync(out);
    assert.ok(bytes.equals(exportOnnx(m)), 'the export is deterministic');
    const runner = await OnnxRunner.create(new Uint8Array(bytes));
    await assertSameLogits(runner, m, batchOf(m, realTexts().slice(0, 20)), 'exported file');
    await runner.release();
  } finally {
    disposeParams(m.params);
  }
});

test('rin export: a missing format or argument is a one-line error', () => {
  const r = rin(['export', join(models, 'webnlg-exact-paper'), '/tmp/x.onnx']);
  assert.equal(r.code, 2, show(r));
  assert.match(r.stderr, /--onnx/);
  const r2 = rin(['export', '--onnx', join(models, 'webnlg-exact-paper')]);
  assert.equal(r2.code, 2, show(r2));
  assert.match(r2.stderr, /MODEL_DIR and OUT\.onnx/);
});

test('loadModel: RIN_ENGINE chooses the engine, an unknown one is a user error', { skip, timeout: 120_000 }, async () => {
  await setup();
  const path = join(models, 'webnlg-exact-paper');
  const saved = process.env.RIN_ENGINE;
  try {
    process.env.RIN_ENGINE = 'wasm';
    const w = await loadModel(path);
    assert.equal(w.engine, 'tfjs');
    w.dispose();
    delete process.env.RIN_ENGINE;
    const a = await loadModel(path);
    assert.equal(a.engine, 'onnx', 'auto picks onnxruntime when it is installed');
    a.dispose();
    process.env.RIN_ENGINE = 'gpu';
    await assert.rejects(loadModel(path), /RIN_ENGINE must be one of auto, onnx, tfjs, wasm, got "gpu"/);
  } finally {
    if (saved === undefined) delete process.env.RIN_ENGINE;
    else process.env.RIN_ENGINE = saved;
  }
});
