/**
 * Extraction on every core: worker threads (worker.ts) on the generic pool (core/workerPool.ts),
 * each with its own copy of the model and its own wasm backend (wasm threads do not work in Node;
 * worker_threads do), so tokenisation, POS tags and the model of different jobs run in parallel.
 * A job goes to the ready worker with the fewest characters outstanding; results come back whole,
 * with the errors an in-process Extractor would throw. A worker that dies fails its own jobs with
 * a WorkerCrashError and is replaced; the others carry on (extractEach retries its texts alone).
 * Memory: each worker holds a whole model; the default model's vector table alone is 136 MB.
 */
import { availableParallelism } from 'node:os';
import { WorkerCrashError } from '../core/errors.ts';
import { WorkerPool, type WorkerState } from '../core/workerPool.ts';
import type { Extraction } from './extractor.ts';
import type { Job, WorkerInfo, WorkerLoadOptions, WorkerSetup } from './protocol.ts';
import type { ExtractionService, ModelCard, RunOptions } from './service.ts';

/** loadModel's options (e.g. `embeddings`), given to each worker, and the pool's own. */
export interface PoolOptions extends WorkerLoadOptions {
  /** Worker threads (default: os.availableParallelism()). */
  workers?: number;
  /** Loading messages (each distinct line once, not once per worker) and worker restarts. */
  log?: (line: string) => void;
}

/** The worker's code: worker.js next to this file when built; from the sources, worker.ts (through tsx). */
const WORKER = new URL(import.meta.url.endsWith('.ts') ? './worker.ts' : './worker.js', import.meta.url);

export class ExtractorPool implements ExtractionService {
  private constructor(private readonly pool: WorkerPool<Job, Extraction[], WorkerInfo>) {}

  /**
   * Start `workers` workers on a model directory (default: the shipped model); resolves once one
   * has loaded it (the others take jobs as they become ready), rejects when none could.
   */
  static async start(model?: string, o: PoolOptions = {}): Promise<ExtractorPool> {
    const { workers = availableParallelism(), log, ...load } = o;
    const setup: WorkerSetup = { model, load };
    return new ExtractorPool(await WorkerPool.start(WORKER, setup, { size: workers, name: 'worker', restart: true, ready: 'first', log }));
  }

  /** The model card, as an in-process Extractor's. */
  get card(): ModelCard {
    return this.pool.info.card;
  }

  /** What runs the model in the workers: "onnx" (onnxruntime) or "tfjs", as Extractor.engine. */
  get engine(): string {
    return this.pool.info.engine;
  }

  /** The model directory. */
  get path(): string {
    return this.card.path;
  }

  /** Number of workers. */
  get size(): number {
    return this.pool.size;
  }

  get parallel(): number {
    return this.pool.size;
  }

  /** Workers replaced after they stopped. */
  get restarts(): number {
    return this.pool.restarts;
  }

  /** Each worker's state (ready, jobs outstanding, their characters). */
  workers(): WorkerState[] {
    return this.pool.workers();
  }

  /** Stop worker k as a crash would (fault injection): its jobs fail with WorkerCrashError and it is replaced. */
  stopWorker(k: number): Promise<void> {
    return this.pool.stop(k);
  }

  /** Resolves once every worker of start() has loaded the model or failed to (benchmarks time a full pool). */
  allStarted(): Promise<void> {
    return this.pool.allStarted();
  }

  /** Extract from `texts` in one worker; results in the same order, errors as the in-process Extractor's. */
  extract(texts: string[], o: RunOptions = {}): Promise<Extraction[]> {
    const chars = texts.reduce((n, t) => n + (typeof t === 'string' ? t.length : 0), 0);
    return this.pool.run({ texts, ...o }, { cost: chars });
  }

  /**
   * extract(), and when the worker dies under the job, each text again alone: only a text that
   * kills a worker again is lost, as a WorkerCrashError in its place.
   */
  async extractEach(texts: string[], o: RunOptions = {}): Promise<(Extraction | WorkerCrashError)[]> {
    const crash = (e: unknown) => {
      if (e instanceof WorkerCrashError) return e;
      throw e;
    };
    try {
      return await this.extract(texts, o);
    } catch (e) {
      crash(e);
      return Promise.all(texts.map((t) => this.extract([t], o).then((r) => r[0], crash)));
    }
  }

  /** Stop every worker; outstanding jobs fail. */
  close(): Promise<void> {
    return this.pool.close();
  }
}
