/**
 * One worker of an ExtractorPool (pool.ts): loads the model once, then runs jobs: tokenisation,
 * POS tags, the model and decoding all happen here, so the main thread only parses and writes.
 * Every job runs through extract (the path that uses a native engine when the model has one).
 * A small job starts at once; large (`chunked`) jobs run one at a time, with a deadline, and
 * yield between chunks, so small jobs arriving meanwhile run between the chunks of a large one, as
 * in the in-process server.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { Extractor } from './extractor.ts';
import { loadModel, modelCard } from './load.ts';
import { type Job, type Reply, type WorkerSetup, toWire } from './protocol.ts';

const port = parentPort!;
const send = (r: Reply) => port.postMessage(r);

let largeTail: Promise<unknown> = Promise.resolve();

/** Large jobs one after another: interleaving them would only make all of them late. */
function inLine<T>(f: () => Promise<T>): Promise<T> {
  const p = largeTail.then(f);
  largeTail = p.catch(() => {});
  return p;
}

async function run(x: Extractor, job: Job): Promise<void> {
  try {
    const o = { threshold: job.threshold, deadline: job.deadline };
    const results = await (job.chunked ? inLine(() => x.extract(job.texts, o)) : x.extract(job.texts, o));
    send({ type: 'done', id: job.id, results });
  } catch (e) {
    send({ type: 'failed', id: job.id, error: toWire(e) });
  }
}

async function main(): Promise<void> {
  const setup = workerData as WorkerSetup;
  let x: Extractor;
  try {
    x = await loadModel(setup.model, { ...setup.load, log: (line) => send({ type: 'log', line }) });
  } catch (e) {
    return send({ type: 'load_failed', error: toWire(e) });
  }
  port.on('message', (job: Job) => void run(x, job));
  send({ type: 'ready', card: modelCard(x), engine: x.engine });
}

await main();
