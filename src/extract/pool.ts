/**
 * Extraction on every core: a pool of worker threads (worker.ts), each with its own copy of the
 * model and its own wasm backend (wasm threads do not work in Node; worker_threads do), so
 * tokenisation, POS tags and the model of different jobs run in parallel. A job goes to the ready
 * worker with the fewest characters outstanding; results come back whole, with the errors an
 * in-process Extractor would throw (protocol.ts). A worker that dies fails its own jobs with a
 * WorkerCrashError and is replaced; the others carry on. Idle workers do not keep the process
 * alive (unref), so a caller that forgets close() still exits.
 * Memory: each worker holds a whole model; the default model's vector table alone is 136 MB.
 */
import { spawnWorker } from '../core/spawn.ts';
import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { UserError } from '../core/types.ts';
import type { Extraction } from './extractor.ts';
import type { ModelCard } from './load.ts';
import { type Job, type LoadOptions, type Reply, type WorkerSetup, fromWire } from './protocol.ts';

/** The worker running a job stopped (crashed, ran out of memory, was terminated); the job did not finish. */
export class WorkerCrashError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WorkerCrashError';
  }
}

/** loadModel's options (e.g. `embeddings`), given to each worker, and the pool's own. */
export interface PoolOptions extends LoadOptions {
  /** Worker threads (default: os.availableParallelism()). */
  workers?: number;
  /** Loading messages (each distinct line once, not once per worker) and worker restarts. */
  log?: (line: string) => void;
}

export interface PoolJobOptions {
  threshold?: number;
  /** Stop with TimeLimitError once this time (ms since the epoch) has passed (chunked jobs). */
  deadline?: number;
  /** A large job: run chunked (extract), after the worker's other large jobs, small ones between its chunks. */
  chunked?: boolean;
}

interface Pending {
  job: Job;
  chars: number;
  resolve: (r: Extraction[]) => void;
  reject: (e: Error) => void;
}

interface Slot {
  index: number;
  worker: Worker;
  ready: boolean;
  /** Characters of the texts of its outstanding jobs. */
  load: number;
  jobs: Map<number, Pending>;
  /** Why it stopped, from its 'error' event, for the crash message. */
  error?: string;
}

/** The worker's code: worker.js next to this file when built; from the sources, worker.ts (through tsx). */
function spawn(setup: WorkerSetup): Worker {
  return spawnWorker(new URL(import.meta.url.endsWith('.ts') ? './worker.ts' : './worker.js', import.meta.url), setup);
}

export class ExtractorPool {
  private slots: Slot[] = [];
  private queue: Pending[] = [];
  private nextId = 0;
  private closed = false;
  private broken?: Error;
  private logged = new Set<string>();
  private _card?: ModelCard;
  private _engine?: string;
  private started: Promise<void> = Promise.resolve();
  /** Workers replaced after they stopped. */
  restarts = 0;

  private constructor(
    private readonly setup: WorkerSetup,
    private readonly log: (line: string) => void,
  ) {}

  /**
   * Start `workers` workers on a model directory (default: the shipped model); resolves once one
   * has loaded it (the others take jobs as they become ready), rejects when none could.
   */
  static async start(model?: string, o: PoolOptions = {}): Promise<ExtractorPool> {
    const { workers: n = availableParallelism(), log = () => {}, ...load } = o;
    if (!(Number.isInteger(n) && n >= 1)) throw new UserError(`the number of workers must be an integer ≥ 1, got ${n}`);
    const pool = new ExtractorPool({ model, load }, log);
    const launches = Array.from({ length: n }, (_, k) => pool.launch(k));
    try {
      await Promise.any(launches); // work starts on the first worker ready; on a busy machine the others can take seconds more
    } catch (e) {
      await pool.close();
      throw (e as AggregateError).errors[0];
    }
    pool.started = Promise.allSettled(launches).then(() => {});
    for (const [k, l] of launches.entries()) l.catch((e: Error) => pool.closed || log(`rin: worker ${k + 1} of ${n} could not start (${e.message}); going on without it`));
    return pool;
  }

  /** The model card, as modelCard() gives it for an in-process extractor. */
  get card(): ModelCard {
    return this._card!;
  }

  /** What runs the model in the workers: "onnx" (onnxruntime) or "tfjs", as Extractor.engine. */
  get engine(): string {
    return this._engine!;
  }

  /** The model directory. */
  get path(): string {
    return this.card.path;
  }

  /** Number of workers. */
  get size(): number {
    return this.slots.length;
  }

  /** Resolves once every worker of start() has loaded the model or failed to (benchmarks time a full pool). */
  allStarted(): Promise<void> {
    return this.started;
  }

  /** Extract from `texts` in one worker; results in the same order, errors as the in-process Extractor's. */
  extract(texts: string[], o: PoolJobOptions = {}): Promise<Extraction[]> {
    if (this.closed) return Promise.reject(new Error('the extractor pool was closed'));
    if (this.broken) return Promise.reject(this.broken);
    return new Promise((resolve, reject) => {
      const job: Job = { id: this.nextId++, texts, threshold: o.threshold, deadline: o.deadline, chunked: o.chunked };
      this.queue.push({ job, chars: texts.reduce((n, t) => n + (typeof t === 'string' ? t.length : 0), 0), resolve, reject });
      this.dispatch();
    });
  }

  /** Stop every worker; outstanding jobs fail. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.failQueue(new Error('the extractor pool was closed'));
    await Promise.all(
      this.slots.map((s) => {
        s.worker.ref(); // an unref'd worker's exit would not keep the process alive until terminate() resolves
        return s.worker.terminate();
      }),
    );
  }

  /** Start the worker of slot `index` (again, after a crash); resolves when its model is loaded. */
  private launch(index: number): Promise<void> {
    const slot: Slot = { index, worker: spawn(this.setup), ready: false, load: 0, jobs: new Map() };
    this.slots[index] = slot;
    return new Promise((resolve, reject) => {
      slot.worker.on('message', (r: Reply) => {
        if (r.type === 'ready') {
          this._card ??= r.card;
          this._engine ??= r.engine;
          slot.ready = true;
          resolve();
          this.dispatch();
        } else if (r.type === 'load_failed') reject(fromWire(r.error));
        else if (r.type === 'log') this.logOnce(r.line);
        else this.finish(slot, r);
      });
      slot.worker.on('error', (e) => (slot.error = e.message));
      slot.worker.on('exit', (code) => {
        const why = slot.error ?? `exit code ${code}`;
        if (!slot.ready) return reject(new Error(`a worker stopped while loading the model (${why})`));
        slot.ready = false;
        if (this.closed) return this.failJobs(slot, new Error('the extractor pool was closed'));
        this.restart(slot, why);
      });
    });
  }

  /** A worker stopped: its jobs fail (they may be what killed it), and a new worker takes its place. */
  private restart(slot: Slot, why: string): void {
    this.failJobs(slot, new WorkerCrashError(`the worker extracting this stopped (${why}); it was restarted`));
    this.restarts++;
    this.log(`rin: worker ${slot.index + 1} of ${this.slots.length} stopped (${why}); starting a new one`);
    this.launch(slot.index).catch((e: Error) => {
      if (this.closed) return;
      if (this.slots.some((s) => s.ready)) return this.log(`rin: the new worker ${slot.index + 1} could not start (${e.message}); going on without it`);
      this.broken = new Error(`a worker stopped and its replacement could not start: ${e.message}`);
      this.failQueue(this.broken);
    });
  }

  private finish(slot: Slot, r: Extract<Reply, { type: 'done' | 'failed' }>): void {
    const p = slot.jobs.get(r.id);
    if (!p) return;
    slot.jobs.delete(r.id);
    slot.load -= p.chars;
    if (r.type === 'done') p.resolve(r.results);
    else p.reject(fromWire(r.error));
    this.updateRefs();
  }

  /** Queued jobs to the ready worker with the fewest characters outstanding. */
  private dispatch(): void {
    while (this.queue.length && !this.closed) {
      const ready = this.slots.filter((s) => s?.ready);
      if (!ready.length) break;
      const slot = ready.reduce((a, b) => (b.load < a.load ? b : a));
      const p = this.queue.shift()!;
      slot.jobs.set(p.job.id, p);
      slot.load += p.chars;
      slot.worker.postMessage(p.job);
    }
    this.updateRefs();
  }

  /** A worker with work, or loading while work waits, keeps the process alive; an idle one does not. */
  private updateRefs(): void {
    if (this.closed) return; // close() holds every worker until it has stopped
    for (const s of this.slots) {
      if (!s) continue;
      if (s.jobs.size || !s.ready || this.queue.length) s.worker.ref();
      else s.worker.unref();
    }
  }

  private failJobs(slot: Slot, e: Error): void {
    for (const p of slot.jobs.values()) p.reject(e);
    slot.jobs.clear();
    slot.load = 0;
    this.updateRefs();
  }

  private failQueue(e: Error): void {
    for (const p of this.queue.splice(0)) p.reject(e);
  }

  private logOnce(line: string): void {
    if (this.logged.has(line)) return;
    this.logged.add(line);
    this.log(line);
  }
}
