/**
 * Inference on onnxruntime-node against tfjs-wasm, at a fixed synthetic shape (default NYT-like:
 * B=50, n=40, 24 relations, K=3, paper preset): forward, copy of the logits to the host and
 * decoding, as bench.ts times inference. Writes nothing; prints a table and, last, one JSON line.
 *
 *   node --import tsx bench/onnx.ts                 wasm, ORT 1 thread, ORT 2 threads, in one run
 *   node --import tsx bench/onnx.ts --threads N ... ORT with N intra-op threads only (bench/peers.ts
 *                                                   contract: --preset P --B --n --relations --K)
 *   node --import tsx bench/onnx.ts --workers N ... N worker threads, each its own 1-thread session on
 *                                                   its own batches, as rin serve and rin extract
 *                                                   use the cores: sentences/s of all of them together
 */
import { parseArgs } from 'node:util';
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { spawnWorker } from '../src/core/spawn.ts';
import { loadavg } from 'node:os';
import { initBackend } from '../src/engine/backend.ts';
import { decode } from '../src/eval/decode.ts';
import { inferLogits } from '../src/eval/predict.ts';
import type { RinModel } from '../src/io/modelDir.ts';
import { DEFAULT_TRAIN } from '../src/model/config.ts';
import type { PresetName } from '../src/model/presets.ts';
import { OnnxRunner, loadOrt } from '../src/onnx/runner.ts';
import { procMemoryMiB } from './memory.ts';
import { syntheticParts } from './synthetic.ts';

const { values: v } = parseArgs({
  args: isMainThread ? undefined : (workerData as { args: string[] }).args, // a worker gets its parent's
  options: {
    threads: { type: 'string' },
    preset: { type: 'string', default: 'paper' },
    B: { type: 'string', default: '50' },
    n: { type: 'string', default: '40' },
    relations: { type: 'string', default: '24' },
    K: { type: 'string', default: '3' },
    seconds: { type: 'string', default: '3' },
    workers: { type: 'string' },
  },
});
const [B, n, l, K] = [v.B, v.n, v.relations, v.K].map(Number);
const preset = v.preset as PresetName;
const seconds = Number(v.seconds);

await initBackend('wasm');
const { cfg, params, batch } = syntheticParts({ name: 'bench', B, n, relations: l, K }, preset); // as bench/synthetic.ts
const vocabs = { words: [], pos: [], ner: ['O', 'B', 'I', 'E', 'S'], relations: Array.from({ length: l }, (_, k) => `r${k}`) } as unknown as RinModel['vocabs'];
const model: RinModel = { config: cfg, train: DEFAULT_TRAIN, vocabs, params, meta: { codeVersion: 'bench', seed: 1, spans: 'full', createdAt: '' } };
const decodeAll = (values: ReturnType<typeof inferLogits>) =>
  decode({ n, B, lengths: batch.lengths, ...values }, vocabs.relations, { selfPairs: cfg.selfPairs, threshold: 0.5, tagDecoding: cfg.tagDecoding });

/** Median ms per call over about `seconds` (after two warm-up calls), at least 5 calls. */
async function timeMs(f: () => unknown): Promise<number> {
  for (let k = 0; k < 2; k++) await f();
  const times: number[] = [];
  const end = performance.now() + seconds * 1000;
  while (times.length < 5 || performance.now() < end) {
    const t0 = performance.now();
    await f();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return times[times.length >> 1];
}

async function ortRow(threads: number): Promise<number> {
  const runner = await OnnxRunner.create(model, { threads });
  const ms = await timeMs(async () => decodeAll(await runner.run(batch)));
  await runner.release();
  return ms;
}

/**
 * Worker side of --workers: wait for the start signal, run batches for `seconds`, report how many.
 * Every worker has the same model and batch (same seeds), so they do the same work.
 */
if (!isMainThread) {
  const { flag } = workerData as { flag: Int32Array };
  const runner = await OnnxRunner.create(model, { threads: 1 });
  for (let k = 0; k < 2; k++) decodeAll(await runner.run(batch)); // warm-up
  parentPort!.postMessage('ready');
  Atomics.wait(flag, 0, 0);
  const end = performance.now() + seconds * 1000;
  let batches = 0;
  while (performance.now() < end) {
    decodeAll(await runner.run(batch));
    batches++;
  }
  await runner.release();
  parentPort!.postMessage(batches);
  process.exit(0);
}

/** --workers N: all workers start together; sentences/s of all of them over the same seconds. */
async function workersRow(count: number): Promise<number> {
  const flag = new Int32Array(new SharedArrayBuffer(4));
  const args = process.argv.slice(2);
  const workers = Array.from({ length: count }, () => spawnWorker(new URL(import.meta.url), { flag, args }));
  const next = () =>
    Promise.all(
      workers.map(
        (w) =>
          new Promise<unknown>((resolve, reject) => {
            w.once('message', resolve);
            w.once('error', reject);
          }),
      ),
    );
  await next(); // all ready
  const done = next();
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
  const batches = (await done) as number[];
  return +((batches.reduce((a, x) => a + x, 0) * B) / seconds).toFixed(1);
}

const perSec = (ms: number) => +((B * 1000) / ms).toFixed(1);
const row = (what: string, ms: number) => console.log(`${what.padEnd(28)} ${ms.toFixed(1).padStart(7)} ms/batch ${String(perSec(ms)).padStart(8)} sentences/s`);
if (!(await loadOrt())) {
  console.error('onnxruntime-node is not installed (npm install onnxruntime-node)');
  process.exit(1);
}
console.log(
  `inference, ${preset} preset, B=${B} n=${n} relations=${l} K=${K}; load average ${loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')}`,
);
const result: Record<string, unknown> = { preset, B, n, relations: l, K };
if (v.workers !== undefined) {
  const sps = await workersRow(Number(v.workers));
  console.log(`${`onnxruntime, ${v.workers} workers x 1 thread`.padEnd(28)} ${String(sps).padStart(26)} sentences/s`);
  Object.assign(result, { engine: 'onnx', workers: Number(v.workers), inferSentencesPerSec: sps });
} else if (v.threads !== undefined) {
  const ms = await ortRow(Number(v.threads));
  row(`onnxruntime, ${v.threads} thread(s)`, ms);
  Object.assign(result, { engine: 'onnx', threads: Number(v.threads), inferSentencesPerSec: perSec(ms), msPerBatch: +ms.toFixed(2) });
} else {
  const wasm = await timeMs(() => decodeAll(inferLogits(params, cfg, batch)));
  const ort1 = await ortRow(1);
  const ort2 = await ortRow(2);
  row('tfjs wasm, 1 thread', wasm);
  row('onnxruntime, 1 thread', ort1);
  row('onnxruntime, 2 threads', ort2);
  console.log(`onnxruntime / wasm: ${(wasm / ort1).toFixed(2)}x (1 thread); 2 threads / 1 thread: ${(ort1 / ort2).toFixed(2)}x`);
  Object.assign(result, { wasmSentencesPerSec: perSec(wasm), inferSentencesPerSec: perSec(ort1), onnx2SentencesPerSec: perSec(ort2) });
}
result.loadAverage = loadavg()[0];
result.peakRssMiB = procMemoryMiB()?.peak;
console.log(JSON.stringify(result));
