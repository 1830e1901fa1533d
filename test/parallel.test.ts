/**
 * Data-parallel training (src/train/parallel.ts): the batch split by tokens, a split batch's
 * dropout masks, the parts' gradients summing to the whole batch's, N threads training the
 * one-thread model up to float rounding, a killed multi-thread run resuming exactly, and thread
 * failures surfacing as errors without leaving threads behind.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { UserError } from '../src/core/errors.ts';
import { Encoder, newStats } from '../src/features/encode.ts';
import { posTags } from '../src/features/pos.ts';
import { buildVocabs } from '../src/features/vocab.ts';
import { sizesOf } from '../src/io/modelDir.ts';
import { unpackWeights } from '../src/io/weights.ts';
import { type Batch, makeBatch } from '../src/model/batch.ts';
import { modelConfig } from '../src/model/config.ts';
import { batchDropout } from '../src/model/dropout.ts';
import { disposeParams, initParams } from '../src/model/params.ts';
import { Adam } from '../src/train/adam.ts';
import { DataParallel } from '../src/train/parallel.ts';
import { ReplicaPool } from '../src/train/pool.ts';
import { splitByTokens } from '../src/train/split.ts';
import { gradients } from '../src/train/step.ts';
import { type TrainOptions, train } from '../src/train/trainer.ts';
import { tinyCasrelJson, tinySentences } from './fixtures.ts';
import { assertClose, setup, tempFolders } from './helpers.ts';
import { PATH_TOLERANCE } from './tolerance.ts';

before(setup);
const tmp = tempFolders('rin-parallel-');
const root = tmp.fresh();
const data = tmp.write(root, 'tiny.json', tinyCasrelJson());
const ROOT = new URL('..', import.meta.url).pathname;

/** A tiny RIN with input and hidden dropout, its encoded fixture sentences. */
function tiny(seed = 3) {
  const sents = tinySentences();
  const vocabs = buildVocabs(sents, (s) => posTags(s.tokens));
  const cfg = modelConfig({ rounds: 2, wordDim: 12, posDim: 4, hiddenDim: 16, taskDim: 16, reDim: 8, intDim: 8, inputDropout: 0.2, hiddenDropout: 0.3 });
  const params = initParams(cfg, sizesOf(vocabs), seed);
  const enc = new Encoder(vocabs);
  const items = sents.map((s) => enc.encode(s, { spans: 'full', partialNer: 'head', selfPairs: false }, newStats()));
  return { cfg, params, items };
}

/** A part of `items` as parallel.ts makes it. */
function part(items: ReturnType<typeof tiny>['items'], index: number[]): Batch {
  const n = Math.max(...items.map((s) => s.words.length));
  return { ...makeBatch(index.map((k) => items[k])), part: { n, B: items.length, index } };
}

test('a batch is split by tokens: every sentence once, at most N non-empty parts, about equal tokens', () => {
  const lengths = [5, 40, 12, 12, 30, 7, 22, 9];
  for (const k of [1, 2, 3, 8, 12]) {
    const parts = splitByTokens(lengths, k);
    assert.equal(parts.length, Math.min(k, lengths.length), `${k} parts`);
    assert.deepEqual(
      parts.flat().sort((a, b) => a - b),
      [...lengths.keys()],
      'each sentence in exactly one part',
    );
    assert.ok(parts.every((p) => p.length > 0));
  }
  const tokens = splitByTokens(lengths, 2).map((p) => p.reduce((s, i) => s + lengths[i], 0));
  assert.ok(Math.abs(tokens[0] - tokens[1]) <= 40, `balanced: ${tokens}`);
  assert.deepEqual(splitByTokens([3], 4), [[0]]);
});

test("a part's dropout mask is the whole batch's rows: bitwise what one thread draws", () => {
  const { items } = tiny();
  const whole = makeBatch(items);
  const index = [1, 4, 6];
  const p = part(items, index);
  const w = 7;
  const ones = (b: Batch) => tf.ones([b.n * b.B, w]) as tf.Tensor2D;
  const maskWhole = batchDropout(ones(whole), 0.3, 11, whole).arraySync() as number[][];
  const maskPart = batchDropout(ones(p), 0.3, 11, p).arraySync() as number[][];
  for (let i = 0; i < p.n; i++) index.forEach((g, b) => assert.deepEqual(maskPart[i * p.B + b], maskWhole[i * whole.B + g], `position ${i} of sentence ${g}`));
  assert.ok(maskWhole.flat().some((x) => x === 0) && maskWhole.flat().some((x) => x > 1), 'drops some, scales the rest');
});

test("the parts' weighted gradients sum to the whole batch's gradient (with dropout)", () => {
  const { cfg, params, items } = tiny();
  const whole = gradients(params, cfg, makeBatch(items), 5);
  const groups = splitByTokens(
    items.map((s) => s.words.length),
    3,
  );
  const parts = groups.map((g) => gradients(params, cfg, part(items, g), 5, g.length / items.length));
  assert.ok(Math.abs(parts.reduce((s, g) => s + g.loss, 0) - whole.loss) < PATH_TOLERANCE * whole.loss, 'loss');
  for (const [name, g] of Object.entries(whole.grads)) {
    const sum = tf.addN(parts.map((p) => p.grads[name]));
    assertClose(sum.dataSync(), g.dataSync(), PATH_TOLERANCE, name);
  }
  for (const g of [whole, ...parts]) tf.dispose(Object.values(g.grads));
  disposeParams(params);
});

const opts = (out: string, threads: number, epochs = 3, extra: Partial<TrainOptions> = {}): TrainOptions => ({
  train: data,
  dev: data,
  out: join(root, out),
  preset: 'paper',
  model: { rounds: 1, wordDim: 12, posDim: 4, hiddenDim: 16, taskDim: 16, reDim: 8, intDim: 8, hiddenDropout: 0.2 },
  training: { epochs, batchSize: 5, lr: 0.01, seed: 5, patience: 100, unkReplace: 0.3 },
  threads,
  log: () => {},
  progress: false,
  ...extra,
});

/** The checkpoint's weights by parameter name. */
function weights(out: string): Map<string, { values: Float32Array }> {
  const dir = join(root, out, 'checkpoint', 'model');
  const meta = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
  return unpackWeights(meta.weights, readFileSync(join(dir, 'weights.bin')), dir);
}

/** 3 epochs of 2 batches: the tolerance covers float rounding (sums in another order) carried through 6 Adam updates at lr 0.01. */

test('2 threads train the one-thread model, fixed seed: weights equal within 1e-4 after 6 updates', async () => {
  const one = await train(opts('t1', 1));
  const two = await train(opts('t2', 2));
  const [w1, w2] = [weights('t1'), weights('t2')];
  assert.deepEqual([...w2.keys()], [...w1.keys()]);
  for (const [name, w] of w1) assertClose(w2.get(name)!.values, w.values, PATH_TOLERANCE, name);
  assert.deepEqual(
    two.history.map((h) => h.loss.toFixed(4)),
    one.history.map((h) => h.loss.toFixed(4)),
    'the same losses, epoch by epoch',
  );
  for (const r of [one, two]) disposeParams(r.model.params);
});

test('the default recipe (open vocabulary, characters, mention dropout, hidden dropout) on 2 threads: the one-thread model', async () => {
  const vectors = tmp.write(
    root,
    'vectors.txt',
    [...new Set(tinySentences().flatMap((s) => s.tokens.map((t) => t.toLowerCase())))]
      .filter((_, k) => k % 4)
      .map((w, k) => `${w} ${Array.from({ length: 12 }, (_, j) => (Math.sin(k * 13 + j) * 0.5).toFixed(4)).join(' ')}`)
      .join('\n'),
  );
  const dflt = (out: string, threads: number) =>
    opts(out, threads, 2, {
      preset: 'default',
      embeddings: vectors,
      model: { rounds: 1, wordDim: 12, posDim: 4, hiddenDim: 16, taskDim: 16, reDim: 8, intDim: 8, charDim: 6, charFilters: 8 },
      training: { epochs: 2, batchSize: 5, lr: 0.01, seed: 5, patience: 100, minWordCount: 1, minEpochUpdates: 0 },
    });
  const one = await train(dflt('d1', 1));
  const two = await train(dflt('d2', 2));
  const [w1, w2] = [weights('d1'), weights('d2')];
  for (const [name, w] of w1) assertClose(w2.get(name)!.values, w.values, PATH_TOLERANCE, name);
  for (const r of [one, two]) disposeParams(r.model.params);
});

test('threads must be a whole number of at least 1', async () => {
  await assert.rejects(train(opts('bad', 0)), (e: Error) => e instanceof UserError && /threads \(--threads\) must be a whole number of at least 1, got 0/.test(e.message));
});

const cli = (out: string, epochs: number, more: string[] = []) => [
  join(ROOT, 'bin/rin.js'),
  'train',
  '--train',
  data,
  '--dev',
  data,
  '--out',
  join(root, out),
  '--preset',
  'paper',
  '--config',
  tmp.write(root, 'small.json', JSON.stringify({ model: { rounds: 1, wordDim: 12, posDim: 4, hiddenDim: 16, taskDim: 16, reDim: 8, intDim: 8 } })),
  '--batch-size',
  '3',
  '--lr',
  '0.01',
  '--seed',
  '5',
  '--patience',
  '100',
  '--unk-replace',
  '0.3',
  '--min-epoch-updates',
  '60',
  '--epochs',
  String(epochs),
  '--threads',
  '2',
  '--no-progress',
  ...more,
];

/** Resolves once `file` exists (polling), or rejects when the child ends first. */
async function whenExists(file: string, child: ReturnType<typeof spawn>): Promise<void> {
  let ended = false;
  child.on('exit', () => (ended = true));
  while (!existsSync(file)) {
    if (ended) throw new Error(`the run ended before ${file} existed`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

test('a 2-thread run killed mid-epoch resumes from its checkpoint and ends with the weights of an uninterrupted run', async () => {
  const full = spawnSync(process.execPath, cli('k-full', 3), { encoding: 'utf8', timeout: 300_000 });
  assert.equal(full.status, 0, full.stderr);
  assert.match(full.stderr, /; 2 threads/);
  const child = spawn(process.execPath, cli('k-split', 3), { stdio: 'ignore' });
  await whenExists(join(root, 'k-split', 'checkpoint', 'state.json'), child);
  // Epoch 1 is saved; let epoch 2 start, then kill the process (and its threads) outright.
  await new Promise((r) => setTimeout(r, 300));
  child.kill('SIGKILL');
  await new Promise((r) => child.on('close', r));
  const state = JSON.parse(readFileSync(join(root, 'k-split', 'checkpoint', 'state.json'), 'utf8'));
  assert.ok(state.epoch < 3, `killed before the end (checkpoint at epoch ${state.epoch})`);
  const rest = spawnSync(process.execPath, cli('k-split', 3, ['--resume']), { encoding: 'utf8', timeout: 300_000 });
  assert.equal(rest.status, 0, rest.stderr);
  assert.match(rest.stderr, /resuming from/);
  const ck = (out: string) => readFileSync(join(root, out, 'checkpoint', 'model', 'weights.bin'));
  assert.ok(ck('k-split').equals(ck('k-full')), 'resumed run ends with the same weights, bit for bit');
  const opt = (out: string) => readFileSync(join(root, out, 'checkpoint', 'optimizer.bin'));
  assert.ok(opt('k-split').equals(opt('k-full')), 'and the same optimiser state');
});

test('a run killed while saving a checkpoint resumes from the last complete one (the files aside), not from a mix of two epochs', async () => {
  const full = await train(opts('s-full', 2, 2));
  const cut = await train(opts('s-cut', 2, 1));
  // What a kill after writing epoch 2's files, before its state.json, leaves behind.
  const ck = join(root, 's-cut', 'checkpoint');
  renameSync(join(ck, 'model'), join(ck, 'model.prev'));
  renameSync(join(ck, 'optimizer.bin'), join(ck, 'optimizer.prev.bin'));
  cpSync(join(root, 's-full', 'checkpoint', 'model'), join(ck, 'model'), { recursive: true });
  cpSync(join(root, 's-full', 'checkpoint', 'optimizer.bin'), join(ck, 'optimizer.bin'));
  const rest = await train(opts('s-cut', 2, 2, { resume: true }));
  const bin = (out: string) => readFileSync(join(root, out, 'checkpoint', 'model', 'weights.bin'));
  assert.ok(bin('s-cut').equals(bin('s-full')), 'epoch 1 restored, epoch 2 trained once');
  assert.ok(!existsSync(join(ck, 'model.prev')) && !existsSync(join(ck, 'optimizer.prev.bin')), 'nothing left aside after a complete save');
  for (const r of [full, cut, rest]) disposeParams(r.model.params);
});

test('a checkpoint does not depend on threads: a 2-thread run resumed on 1 thread goes on', async () => {
  const a = await train(opts('mix', 2, 1));
  const b = await train(opts('mix', 1, 2, { resume: true }));
  assert.equal(b.history.length, 2);
  for (const r of [a, b]) disposeParams(r.model.params);
});

test("a replica's error fails its step with the replica's message, then the pool refuses work; close() ends the threads", async () => {
  const { cfg, params, items } = tiny();
  const pool = await ReplicaPool.start(params, cfg, 1, tf.getBackend());
  const unlabelled = makeBatch(items.map(({ ner: _n, cells: _c, ...s }) => s));
  await assert.rejects(pool.run(0, unlabelled, 1, 1), /training thread 1 failed: loss needs a batch with gold labels/);
  await assert.rejects(pool.run(0, makeBatch(items), 1, 1), /training thread 1 failed/, 'a failed pool refuses later steps');
  await pool.close();
  await assert.rejects(pool.run(0, makeBatch(items), 1, 1));
  disposeParams(params);
});

test('a step of a DataParallel whose replica failed is an error; with or without close(), the process exits', () => {
  const script = `
    import * as tf from '@tensorflow/tfjs';
    import { initBackend } from '${ROOT}src/engine/backend.ts';
    import { DataParallel } from '${ROOT}src/train/parallel.ts';
    import { Adam } from '${ROOT}src/train/adam.ts';
    import { Encoder, newStats } from '${ROOT}src/features/encode.ts';
    import { posTags } from '${ROOT}src/features/pos.ts';
    import { buildVocabs } from '${ROOT}src/features/vocab.ts';
    import { sizesOf } from '${ROOT}src/io/modelDir.ts';
    import { modelConfig } from '${ROOT}src/model/config.ts';
    import { initParams } from '${ROOT}src/model/params.ts';
    import { tinySentences } from '${ROOT}test/fixtures.ts';
    const backend = await initBackend('wasm');
    const sents = tinySentences();
    const vocabs = buildVocabs(sents, (s) => posTags(s.tokens));
    const cfg = modelConfig({ rounds: 1, wordDim: 8, posDim: 4, hiddenDim: 8, taskDim: 8, reDim: 8, intDim: 8 });
    const params = initParams(cfg, sizesOf(vocabs), 1);
    const enc = new Encoder(vocabs);
    const items = sents.map((s) => enc.encode(s, { spans: 'full', partialNer: 'head', selfPairs: false }, newStats()));
    const dp = await DataParallel.start(params, cfg, 2, backend);
    const opt = new Adam(params, 0.01);
    await dp.step(opt, items, undefined, 1, 5);
    // A replica dies (as on running out of memory): the next step is an error, not a hang.
    await dp.stopReplica(0);
    try {
      await dp.step(opt, items, undefined, 2, 5);
      console.log('no error');
    } catch (e) {
      console.log('error: ' + e.message);
    }
    if (process.argv.includes('close')) await dp.close();
  `;
  for (const close of [true, false]) {
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script, '--', ...(close ? ['close'] : [])], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
    assert.equal(r.signal, null, `no hang (close: ${close})`);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /error: training thread 1 failed: .*stopped \(exit code 1\)/);
  }
});

test('Adam after a 2-thread step equals Adam after the same step on one thread (a direct step, no trainer)', async () => {
  const runs: { losses: number[]; values: (readonly [string, Float32Array])[] }[] = [];
  for (const threads of [1, 2]) {
    const { cfg, params, items } = tiny(9);
    const dp = await DataParallel.start(params, cfg, threads, tf.getBackend());
    const opt = new Adam(params, 0.01);
    const losses: number[] = [];
    for (let s = 0; s < 3; s++) losses.push((await dp.step(opt, items, undefined, 100 + s, 5)).loss);
    await dp.close();
    runs.push({ losses, values: [...params].map(([name, v]) => [name, (v.dataSync() as Float32Array).slice()] as const) });
    opt.dispose();
    disposeParams(params);
  }
  assertClose(runs[1].losses, runs[0].losses, PATH_TOLERANCE, 'losses');
  runs[0].values.forEach(([name, v], k) => assertClose(runs[1].values[k][1], v, PATH_TOLERANCE, name));
});
