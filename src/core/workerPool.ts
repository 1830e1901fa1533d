/**
 * A pool of worker threads, each running one module (its side: serveJobs below), for the jobs
 * of extraction (extract/pool.ts) and of training replicas (train/pool.ts). One wire protocol:
 * a worker loads once and says `ready` with what the pool should know of it, then answers each
 * job with `done` or `failed`; errors travel as kinds (errors.ts), so the caller sees the class
 * it would see in-process.
 * A job goes to a given worker (`on`) or to the ready worker with the least cost outstanding.
 * A worker that stops fails its own jobs with a WorkerCrashError; with `restart` a new one takes
 * its place, else the worker stays gone. Idle workers do not keep the process alive (unref), so a
 * caller that forgets close() still exits.
 */
import { type Worker, parentPort, workerData } from 'node:worker_threads';
import { UserError, type WireError, WorkerCrashError, fromWire, toWire } from './errors.ts';
import { spawnWorker } from './spawn.ts';

/** Pool → worker. */
interface JobMessage<J> {
  id: number;
  job: J;
}

/** Worker → pool. */
type Reply<R, I> =
  | { type: 'ready'; info: I }
  | { type: 'log'; line: string }
  | { type: 'load_failed'; error: WireError }
  | { type: 'done'; id: number; result: R }
  | { type: 'failed'; id: number; error: WireError };

export interface WorkerPoolOptions {
  /** Worker threads. */
  size: number;
  /** What one worker is called in messages ("worker", "training thread"). */
  name: string;
  /** Replace a worker that stops; without, it stays gone and jobs sent to it fail. */
  restart: boolean;
  /** start() resolves once the first worker is ready (the others join as they load), or once all are. */
  ready: 'first' | 'all';
  /** Loading messages of the workers (each distinct line once) and restarts. */
  log?: (line: string) => void;
}

export interface JobOptions {
  /** Run on this worker (0-based), not the least loaded one. */
  on?: number;
  /** What the job costs (e.g. characters), for choosing the least loaded worker. */
  cost?: number;
}

/** A worker as the pool sees it (for progress reports and tests). */
export interface WorkerState {
  ready: boolean;
  jobs: number;
  cost: number;
}

interface Pending<J, R> {
  msg: JobMessage<J>;
  cost: number;
  on?: number;
  resolve: (r: R) => void;
  reject: (e: Error) => void;
}

interface Slot<J, R> {
  index: number;
  worker: Worker;
  ready: boolean;
  /** Why it stopped, once it has (and was not replaced). */
  gone?: string;
  cost: number;
  jobs: Map<number, Pending<J, R>>;
  /** Why it stopped, from its 'error' event, for the crash message. */
  error?: string;
}

export class WorkerPool<J, R, I> {
  private slots: Slot<J, R>[] = [];
  private queue: Pending<J, R>[] = [];
  private nextId = 0;
  private closed = false;
  private broken?: Error;
  private logged = new Set<string>();
  private _info?: I;
  private started: Promise<void> = Promise.resolve();
  /** Workers replaced after they stopped. */
  restarts = 0;

  private constructor(
    private readonly url: URL,
    private readonly setup: unknown,
    private readonly o: WorkerPoolOptions,
  ) {}

  /** Start `size` workers of module `url` with `setup` as their workerData; see WorkerPoolOptions.ready. */
  static async start<J, R, I>(url: URL, setup: unknown, o: WorkerPoolOptions): Promise<WorkerPool<J, R, I>> {
    if (!(Number.isInteger(o.size) && o.size >= 1)) throw new UserError(`the number of workers must be an integer ≥ 1, got ${o.size}`);
    const pool = new WorkerPool<J, R, I>(url, setup, o);
    const launches = Array.from({ length: o.size }, (_, k) => pool.launch(k));
    try {
      if (o.ready === 'all') await Promise.all(launches);
      else await Promise.any(launches); // work starts on the first worker ready; on a busy machine the others can take seconds more
    } catch (e) {
      await pool.close();
      throw e instanceof AggregateError ? e.errors[0] : e;
    }
    pool.started = Promise.allSettled(launches).then(() => {});
    for (const [k, l] of launches.entries()) l.catch((e: Error) => pool.closed || pool.say(`rin: ${o.name} ${k + 1} of ${o.size} could not start (${e.message}); going on without it`));
    return pool;
  }

  /** What the first worker ready said of itself. */
  get info(): I {
    return this._info!;
  }

  get size(): number {
    return this.slots.length;
  }

  /** Resolves once every worker of start() is ready or failed to load (benchmarks time a full pool). */
  allStarted(): Promise<void> {
    return this.started;
  }

  /** Each worker's state. */
  workers(): WorkerState[] {
    return this.slots.map((s) => ({ ready: s.ready, jobs: s.jobs.size, cost: s.cost }));
  }

  /** Run one job; its result, or the error the worker's code threw, or a WorkerCrashError. */
  run(job: J, o: JobOptions = {}): Promise<R> {
    if (this.closed) return Promise.reject(new Error(`the ${this.o.name}s were closed`));
    if (this.broken) return Promise.reject(this.broken);
    const gone = o.on !== undefined && this.slots[o.on]?.gone;
    if (gone) return Promise.reject(new WorkerCrashError(`${this.o.name} ${o.on! + 1} stopped (${gone})`));
    return new Promise((resolve, reject) => {
      this.queue.push({ msg: { id: this.nextId++, job }, cost: o.cost ?? 1, on: o.on, resolve, reject });
      this.dispatch();
    });
  }

  /** Stop worker k now, as a crash would (fault injection; operations): its jobs fail, and with `restart` it is replaced. */
  async stop(k: number): Promise<void> {
    await this.slots[k].worker.terminate();
  }

  /** Stop every worker; outstanding jobs fail. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.failQueue(new Error(`the ${this.o.name}s were closed`));
    await Promise.all(
      this.slots.map((s) => {
        s.worker.ref(); // an unref'd worker's exit would not keep the process alive until terminate() resolves
        return s.worker.terminate();
      }),
    );
  }

  /** Start the worker of slot `index` (again, after a crash); resolves when it is ready. */
  private launch(index: number): Promise<void> {
    const slot: Slot<J, R> = { index, worker: spawnWorker(this.url, this.setup), ready: false, cost: 0, jobs: new Map() };
    this.slots[index] = slot;
    return new Promise((resolve, reject) => {
      slot.worker.on('message', (r: Reply<R, I>) => {
        if (r.type === 'ready') {
          this._info ??= r.info;
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
        const wasReady = slot.ready;
        slot.ready = false;
        slot.gone = why;
        if (!wasReady) {
          this.failJobs(slot, new WorkerCrashError(`the ${this.o.name} stopped while loading (${why})`));
          return reject(new Error(`a ${this.o.name} stopped while loading (${why})`));
        }
        if (this.closed) return this.failJobs(slot, new Error(`the ${this.o.name}s were closed`));
        this.stopped(slot, why);
      });
    });
  }

  /** A worker stopped: its jobs fail (they may be what killed it); with `restart`, a new worker takes its place. */
  private stopped(slot: Slot<J, R>, why: string): void {
    const n = `${this.o.name} ${slot.index + 1} of ${this.slots.length}`;
    if (!this.o.restart) {
      this.failJobs(slot, new WorkerCrashError(`the ${this.o.name} running this stopped (${why})`));
      this.failQueue(new WorkerCrashError(`${n} stopped (${why})`), slot.index);
      return;
    }
    this.failJobs(slot, new WorkerCrashError(`the ${this.o.name} running this stopped (${why}); it was restarted`));
    this.restarts++;
    this.say(`rin: ${n} stopped (${why}); starting a new one`);
    this.launch(slot.index).catch((e: Error) => {
      if (this.closed) return;
      if (this.slots.some((s) => s.ready)) return this.say(`rin: the new ${this.o.name} ${slot.index + 1} could not start (${e.message}); going on without it`);
      this.broken = new Error(`a ${this.o.name} stopped and its replacement could not start: ${e.message}`);
      this.failQueue(this.broken);
    });
  }

  private finish(slot: Slot<J, R>, r: Extract<Reply<R, I>, { type: 'done' | 'failed' }>): void {
    const p = slot.jobs.get(r.id);
    if (!p) return;
    slot.jobs.delete(r.id);
    slot.cost -= p.cost;
    if (r.type === 'done') p.resolve(r.result);
    else p.reject(fromWire(r.error));
    this.dispatch();
  }

  /** Queued jobs to their worker, or to the ready worker with the least cost outstanding. */
  private dispatch(): void {
    const ready = this.slots.filter((s) => s?.ready);
    this.queue = this.queue.filter((p) => {
      if (this.closed || !ready.length) return true;
      const slot = p.on !== undefined ? this.slots[p.on] : ready.reduce((a, b) => (b.cost < a.cost ? b : a));
      if (!slot?.ready) return true; // its worker is still loading
      slot.jobs.set(p.msg.id, p);
      slot.cost += p.cost;
      slot.worker.postMessage(p.msg);
      return false;
    });
    this.updateRefs();
  }

  /** A worker with work, or loading while work waits, keeps the process alive; an idle one does not. */
  private updateRefs(): void {
    if (this.closed) return; // close() holds every worker until it has stopped
    for (const s of this.slots) {
      if (!s || s.gone) continue;
      if (s.jobs.size || !s.ready || this.queue.length) s.worker.ref();
      else s.worker.unref();
    }
  }

  private failJobs(slot: Slot<J, R>, e: Error): void {
    for (const p of slot.jobs.values()) p.reject(e);
    slot.jobs.clear();
    slot.cost = 0;
    this.updateRefs();
  }

  /** Fail the queued jobs (those meant for worker `on` only, when given). */
  private failQueue(e: Error, on?: number): void {
    this.queue = this.queue.filter((p) => {
      if (on !== undefined && p.on !== on) return true;
      p.reject(e);
      return false;
    });
  }

  private say(line: string): void {
    this.o.log?.(line);
  }

  private logOnce(line: string): void {
    if (this.logged.has(line)) return;
    this.logged.add(line);
    this.say(line);
  }
}

/**
 * The worker's side: `load` runs once with the pool's setup (and a log that reaches the pool),
 * and gives what `ready` reports and how to run a job. Jobs run as they arrive; a job's error
 * goes back as `failed`, a load error as `load_failed`.
 */
export async function serveJobs<S, J, R, I>(load: (setup: S, log: (line: string) => void) => Promise<{ info: I; run: (job: J) => R | Promise<R> }>): Promise<void> {
  const port = parentPort;
  if (!port) throw new Error('serveJobs runs in a worker thread');
  const send = (r: Reply<R, I>) => port.postMessage(r);
  let worker: Awaited<ReturnType<typeof load>>;
  try {
    worker = await load(workerData as S, (line) => send({ type: 'log', line }));
  } catch (e) {
    return send({ type: 'load_failed', error: toWire(e) });
  }
  port.on('message', (m: JobMessage<J>) => {
    const { id, job } = m;
    Promise.resolve()
      .then(() => worker.run(job))
      .then(
        (result) => send({ type: 'done', id, result }),
        (e) => send({ type: 'failed', id, error: toWire(e) }),
      );
  });
  send({ type: 'ready', info: worker.info });
}
