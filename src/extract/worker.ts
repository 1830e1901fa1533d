/**
 * One worker of an ExtractorPool (pool.ts): loads the model once, then runs jobs: tokenisation,
 * POS tags, the model and decoding all happen here, so the main thread only parses and writes.
 * Every job runs through Extractor.extract, which schedules large jobs one at a time.
 */
import type { Extraction } from './extractor.ts';
import { serveJobs } from '../core/workerPool.ts';
import { loadModel } from './load.ts';
import type { Job, WorkerInfo, WorkerSetup } from './protocol.ts';

await serveJobs<WorkerSetup, Job, Extraction[], WorkerInfo>(async (setup, log) => {
  const x = await loadModel(setup.model, { ...setup.load, log });
  return {
    info: { card: x.card, engine: x.engine },
    run: ({ texts, ...o }) => x.extract(texts, o),
  };
});
