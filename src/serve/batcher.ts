/**
 * Small requests that arrive together run through the model together: one forward pass of B
 * sentences costs little more than one of a single sentence (per-op overhead dominates), so 8
 * concurrent clients are served several times faster than one by one. Results are the same as
 * extracting each request alone (batching across texts does not change predictions).
 * Large requests run one at a time, in order of arrival, chunked (Extractor.extract yields
 * between chunks of sentences), so small requests' batches run between their chunks; one at a
 * time because interleaving several large ones would only make all of them late.
 * With worker threads (runner.ts), as many groups and as many large requests run at once as there
 * are workers: one at a time per worker.
 */
import { setImmediate as nextTick } from 'node:timers/promises';
import { TimeLimitError } from '../core/types.ts';
import type { Extraction } from '../extract/extractor.ts';
import type { Runner } from './runner.ts';

interface Job {
  texts: string[];
  threshold?: number;
  deadline: number;
  resolve: (r: Extraction[]) => void;
  reject: (e: unknown) => void;
}

export class Batcher {
  private waiting: Job[] = [];
  private busy = false;
  /** Small groups running now. */
  private groups = 0;
  private largeRunning = 0;
  private largeWaiting: (() => void)[] = [];

  /**
   * @param x where model calls run
   * @param maxChars requests with more characters than this are large
   * @param maxTexts most texts run in one model call
   */
  constructor(
    private readonly x: Runner,
    private readonly maxChars = 2000,
    private readonly maxTexts = 32,
  ) {}

  /** Small requests share model calls; large ones run chunked, one after another. */
  isSmall(texts: string[]): boolean {
    return texts.length <= this.maxTexts && texts.reduce((n, t) => n + t.length, 0) <= this.maxChars;
  }

  extract(texts: string[], o: { threshold?: number; deadline: number }): Promise<Extraction[]> {
    if (!this.isSmall(texts)) return this.large(texts, o);
    return new Promise((resolve, reject) => {
      this.waiting.push({ texts, ...o, resolve, reject });
      void this.drain();
    });
  }

  /** In order of arrival, `parallel` at a time; waiting in line counts towards the deadline. */
  private async large(texts: string[], o: { threshold?: number; deadline: number }): Promise<Extraction[]> {
    if (this.largeRunning >= this.x.parallel) await new Promise<void>((go) => this.largeWaiting.push(go));
    else this.largeRunning++;
    try {
      return await this.x.runLarge(texts, o);
    } finally {
      const next = this.largeWaiting.shift();
      if (next)
        next(); // the slot passes on
      else this.largeRunning--;
    }
  }

  private async drain(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      while (this.waiting.length && this.groups < this.x.parallel) {
        await nextTick(); // requests arriving meanwhile join this group
        const live = this.nextGroup();
        if (!live.length) continue;
        this.groups++;
        void this.x
          .run(
            live.flatMap((j) => j.texts),
            live[0].threshold,
          )
          .then(
            (results) => {
              let k = 0;
              for (const j of live) j.resolve(results.slice(k, (k += j.texts.length)));
            },
            (e) => {
              for (const j of live) j.reject(e);
            },
          )
          .finally(() => {
            this.groups--;
            void this.drain(); // the next group, now that a model call is free
          });
      }
    } finally {
      this.busy = false;
    }
  }

  /** The next group: waiting jobs with the first one's threshold, up to maxTexts texts; those past their deadline fail. */
  private nextGroup(): Job[] {
    const threshold = this.waiting[0].threshold;
    const group: Job[] = [];
    let n = 0;
    this.waiting = this.waiting.filter((j) => {
      if (j.threshold !== threshold || (group.length && n + j.texts.length > this.maxTexts)) return true;
      group.push(j);
      n += j.texts.length;
      return false;
    });
    const now = Date.now();
    return group.filter((j) => {
      if (now <= j.deadline) return true;
      j.reject(new TimeLimitError('time limit reached while queued'));
      return false;
    });
  }
}
