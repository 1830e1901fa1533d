/**
 * Small requests that arrive together run through the model together: one forward pass of B
 * sentences costs little more than one of a single sentence (per-op overhead dominates), so 8
 * concurrent clients are served several times faster than one by one. Results are the same as
 * extracting each request alone (batching across texts does not change predictions).
 * Large requests run one at a time, in order of arrival, chunked (Extractor.extractAsync yields
 * between chunks of sentences), so small requests' batches run between their chunks; one at a
 * time because interleaving several large ones would only make all of them late.
 */
import { setImmediate as nextTick } from 'node:timers/promises';
import { type Extraction, type Extractor, TimeLimitError } from '../extract/extractor.ts';

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
  private largeTail: Promise<unknown> = Promise.resolve();

  /**
   * @param x the extractor
   * @param maxChars requests with more characters than this are large
   * @param maxTexts most texts run in one model call
   */
  constructor(
    private readonly x: Extractor,
    private readonly maxChars = 2000,
    private readonly maxTexts = 32,
  ) {}

  /** Small requests share model calls; large ones run chunked, one after another. */
  isSmall(texts: string[]): boolean {
    return texts.length <= this.maxTexts && texts.reduce((n, t) => n + t.length, 0) <= this.maxChars;
  }

  extract(texts: string[], o: { threshold?: number; deadline: number }): Promise<Extraction[]> {
    if (!this.isSmall(texts)) {
      const run = this.largeTail.then(() => this.x.extractAsync(texts, o)); // waiting in line counts towards the deadline
      this.largeTail = run.catch(() => {});
      return run;
    }
    return new Promise((resolve, reject) => {
      this.waiting.push({ texts, ...o, resolve, reject });
      void this.drain();
    });
  }

  private async drain(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      while (this.waiting.length) {
        await nextTick(); // requests arriving meanwhile join this group
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
        const live = group.filter((j) => {
          if (now <= j.deadline) return true;
          j.reject(new TimeLimitError('time limit reached while queued'));
          return false;
        });
        if (!live.length) continue;
        try {
          const results = this.x.extract(
            live.flatMap((j) => j.texts),
            { threshold },
          );
          let k = 0;
          for (const j of live) j.resolve(results.slice(k, (k += j.texts.length)));
        } catch (e) {
          for (const j of live) j.reject(e);
        }
      }
    } finally {
      this.busy = false;
    }
  }
}
