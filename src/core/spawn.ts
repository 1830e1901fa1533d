/** Starting a worker thread from a module of src/ (tsx: tests, bin/rin.js) or of dist/ (plain Node). */
import { Worker } from 'node:worker_threads';

/**
 * A worker running `url`. A .ts module needs tsx, which a worker does not inherit from its
 * parent's register() (bin/rin.js) nor, on Node 20, from `--import tsx`: a small script registers
 * it in the worker first.
 */
export function spawnWorker(url: URL, workerData: unknown): Worker {
  if (!url.pathname.endsWith('.ts')) return new Worker(url, { workerData });
  const tsx = import.meta.resolve('tsx/esm/api');
  const code = `import(${JSON.stringify(tsx)}).then((t) => { t.register(); return import(${JSON.stringify(url.href)}); });`;
  return new Worker(code, { eval: true, workerData });
}
