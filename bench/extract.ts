/**
 * Raw-text extraction speed with a real model (npm run bench): sentences/s (sentence splitting,
 * tokenisation, POS tags, model, decoding, offsets) in-process and on worker threads (one per
 * core, jobs of 32 texts as rin extract --jsonl sends them), and the HTTP service's requests/s
 * with 8 concurrent clients on localhost, in-process and on the workers. Writes
 * bench/extract-results.json. (bench/extract-workers.ts: 1 vs 2 workers, memory, the CLI.)
 * Text: the WebNLG dev sentences, detokenised ("Aarhus , Denmark ." → "Aarhus, Denmark.").
 * BENCH_MODEL=DIR picks the model (default: the shipped one).
 */
import { writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';
import { procMemoryMiB } from './memory.ts';
import { devTexts, pooledRun } from './devTexts.ts';
import { loadModel } from '../src/extract/load.ts';
import { ExtractorPool } from '../src/extract/pool.ts';
import { startServer } from '../src/serve/server.ts';
import { codeVersion } from '../src/core/version.ts';

const texts = devTexts();
const x = await loadModel(process.env.BENCH_MODEL);

/** Best of 3 timings of f, in ms. */
async function best(f: () => Promise<unknown>): Promise<number> {
  const runs: number[] = [];
  for (let k = 0; k < 3; k++) {
    const t0 = performance.now();
    await f();
    runs.push(performance.now() - t0);
  }
  return Math.min(...runs);
}

// In-process: all texts in one call (the library batches sentences by length), on the path rin extract and rin serve take.
await x.extract(texts.slice(0, 50)); // warm-up
const sentences = (await x.extract(texts)).reduce((s, r) => s + r.sentences.length, 0);
const inMs = await best(() => x.extract(texts));

// One text at a time, as an application calling extract() per request would.
const t1 = performance.now();
for (const t of texts.slice(0, 200)) await x.extract(t);
const singleMs = (performance.now() - t1) / 200;

// HTTP: 8 clients, each sending one text per request, back to back.
const clients = 8;
const perClient = Math.ceil(400 / clients);
async function http(model: typeof x | ExtractorPool) {
  const server = await startServer(model, { port: 0 });
  let errors = 0;
  const post = async (text: string) => {
    const r = await fetch(`${server.url}/extract`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text }) });
    if (r.status !== 200) errors++;
    await r.arrayBuffer();
  };
  await post(texts[0]);
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async (_, c) => {
      for (let k = 0; k < perClient; k++) await post(texts[(c * perClient + k) % texts.length]);
    }),
  );
  const ms = performance.now() - t0;
  await server.close();
  return { clients, requests: clients * perClient, requestsPerSec: +((clients * perClient * 1000) / ms).toFixed(1), errors };
}
const httpIn = await http(x);
x.dispose(); // the workers' copies only from here

// Worker threads, one per core: jobs of 32 texts, two per worker in flight (as rin extract --jsonl).
const n = availableParallelism();
const t3 = performance.now();
const pool = await ExtractorPool.start(process.env.BENCH_MODEL, { workers: n });
await pool.allStarted();
const poolStartMs = performance.now() - t3;
const allJobs = pooledRun(pool, texts, n);
await allJobs(); // warm-up
const poolMs = await best(allJobs);
const httpPool = await http(pool);
await pool.close();

const machine = { cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, memoryGiB: +(totalmem() / 2 ** 30).toFixed(1), node: process.version, code: codeVersion() };
const result = {
  date: new Date().toISOString(),
  machine,
  model: x.path,
  texts: texts.length,
  sentences,
  engine: x.engine,
  loadAvg: loadavg().map((l) => +l.toFixed(2)),
  inProcessSentencesPerSec: +((sentences * 1000) / inMs).toFixed(1),
  oneTextPerCallMs: +singleMs.toFixed(2),
  http: httpIn,
  workers: { workers: n, startMs: Math.round(poolStartMs), sentencesPerSec: +((sentences * 1000) / poolMs).toFixed(1), http: httpPool },
  peakRssMiB: procMemoryMiB()?.peak ?? +(process.memoryUsage().rss / 2 ** 20).toFixed(0), // VmHWM; current RSS off Linux
};
console.log(`raw-text extraction — ${machine.cpu}, ${machine.cores} cores, Node ${machine.node}, rin ${machine.code}, model ${x.path}`);
console.log(`in-process (${x.engine}): ${result.inProcessSentencesPerSec} sentences/s (${texts.length} texts, ${sentences} sentences, all in one call; tokenisation included)`);
console.log(`${n} worker threads: ${result.workers.sentencesPerSec} sentences/s (jobs of 32 texts; start ${result.workers.startMs} ms)`);
console.log(`one text per call: ${result.oneTextPerCallMs} ms`);
console.log(`HTTP, ${clients} concurrent clients: ${httpIn.requestsPerSec} requests/s in-process (${httpIn.errors} errors), ${httpPool.requestsPerSec} on ${n} workers (${httpPool.errors} errors)`);
console.log(`load average ${result.loadAvg.join(' ')}`);
writeFileSync(new URL('./extract-results.json', import.meta.url), JSON.stringify(result, null, 2) + '\n');
