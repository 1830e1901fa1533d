/**
 * Speed and memory on synthetic batches (npm run bench). Prints a table and writes
 * bench/results.json. Shapes from the RIN core issue:
 *   NYT-like    B=50, n=40, 24 relations,  K=3
 *   WebNLG-like B=20, n=40, 171 relations, K=3
 * Training = forward + loss + backward + clipping + Adam update (src/train/step.ts).
 * Inference = forward + copy of the logits to the host + decoding (as src/eval/predict.ts).
 * Each shape with the paper's model and with the default recipe (model/presets.ts: open
 * vocabulary, char CNN, shapes, Viterbi), so the table shows what the recipe costs.
 */
import { writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../src/engine/backend.ts';
import { Rng } from '../src/engine/rng.ts';
import { decode } from '../src/eval/decode.ts';
import { inferLogits } from '../src/eval/predict.ts';
import { makeBatch } from '../src/model/batch.ts';
import type { PresetName } from '../src/model/presets.ts';
import { resolveSettings } from '../src/train/trainer.ts';
import { disposeParams, initParams } from '../src/model/params.ts';
import { trainStep } from '../src/train/step.ts';
import { codeVersion } from '../src/core/version.ts';

const backend = await initBackend();
const reps = Number(process.env.BENCH_REPS ?? 8);

let peakRss = 0;
const sample = () => (peakRss = Math.max(peakRss, process.memoryUsage().rss));
const timer = setInterval(sample, 1000);

function bench(name: string, B: number, n: number, l: number, K: number, preset: PresetName) {
  const cfg = resolveSettings({ preset, model: { rounds: K } }).model;
  const words = 5000;
  const chars = 80;
  const rng = new Rng(1);
  // The RE bias starts at the prior rate of gold cells, as in training (params.ts).
  const params = initParams(cfg, { words, posTags: 46, nerTags: 5, relations: l, chars: cfg.charDim ? chars : 0 }, 1, undefined, 2 / (n * (n - 1) * l));
  // The default recipe's extra inputs: a pre-trained row per word (a synthetic table of `words`
  // rows), 3-12 characters per word, shape bits.
  const table = { dim: cfg.wordDim, vectors: new Float32Array(words * cfg.wordDim).map(() => rng.normal() * 0.4) };
  const items = Array.from({ length: B }, () => ({
    words: Array.from({ length: n }, () => 2 + Math.floor(rng.next() * (words - 2))),
    pos: Array.from({ length: n }, () => 2 + Math.floor(rng.next() * 44)),
    vec: Array.from({ length: n }, () => Math.floor(rng.next() * words)),
    chars: Array.from({ length: n }, () => Array.from({ length: 3 + Math.floor(rng.next() * 10) }, () => 2 + Math.floor(rng.next() * (chars - 2)))),
    shape: Array.from({ length: n }, () => Math.floor(rng.next() * 256)),
    ner: Array.from({ length: n }, () => (rng.next() < 0.8 ? 0 : 4)),
    cells: [
      { i: 1, t: 0, j: 5 },
      { i: 7, t: l - 1, j: 3 },
    ],
  }));
  const batch = makeBatch(items, table);
  const opt = tf.train.adam(1e-3);
  const relations = Array.from({ length: l }, (_, k) => `r${k}`);
  const step = () => trainStep(params, cfg, opt, batch, rng.int(), 5);
  const infer = () => {
    const v = inferLogits(params, cfg, batch);
    decode({ n, B, lengths: batch.lengths, ...v }, relations, { selfPairs: false, threshold: 0.5, tagDecoding: cfg.tagDecoding });
  };
  const time = (f: () => void) => {
    for (let k = 0; k < 2; k++) f(); // warm-up: kernel set-up, Adam's moment variables
    const t0 = performance.now();
    for (let k = 0; k < reps; k++) f();
    return (performance.now() - t0) / reps;
  };
  const trainMs = time(step);
  const inferMs = time(infer);
  sample();
  const row = {
    name,
    preset,
    B,
    n,
    relations: l,
    K,
    trainMsPerBatch: +trainMs.toFixed(1),
    trainSentencesPerSec: +((B * 1000) / trainMs).toFixed(1),
    inferMsPerBatch: +inferMs.toFixed(1),
    inferSentencesPerSec: +((B * 1000) / inferMs).toFixed(1),
    tensorsAfter: tf.memory().numTensors,
  };
  opt.dispose();
  disposeParams(params);
  return row;
}

const rows = [bench('NYT-like', 50, 40, 24, 3, 'paper'), bench('WebNLG-like', 20, 40, 171, 3, 'paper'), bench('NYT-like', 50, 40, 24, 3, 'default'), bench('WebNLG-like', 20, 40, 171, 3, 'default')];
clearInterval(timer);
const machine = { cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, memoryGiB: +(totalmem() / 2 ** 30).toFixed(1), node: process.version, backend, code: codeVersion() };
const wasmHeap = tf.memory().numBytes;
const result = { date: new Date().toISOString(), machine, reps, rows, peakRssMiB: +(peakRss / 2 ** 20).toFixed(0), tfBytesAtEnd: wasmHeap };
console.log(`rin benchmark — ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB, Node ${machine.node}, backend ${backend}, rin ${machine.code}`);
console.log('shape                      train sent/s (ms/batch)   inference sent/s (ms/batch)');
for (const r of rows)
  console.log(
    `${`${r.name} ${r.preset} B=${r.B} n=${r.n} l=${r.relations} K=${r.K}`.padEnd(42)} ${String(r.trainSentencesPerSec).padStart(7)} (${r.trainMsPerBatch})      ${String(r.inferSentencesPerSec).padStart(7)} (${r.inferMsPerBatch})`,
  );
console.log(`peak resident memory: ${result.peakRssMiB} MiB`);
writeFileSync(new URL('./results.json', import.meta.url), JSON.stringify(result, null, 2) + '\n');
