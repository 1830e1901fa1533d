/**
 * Small requests that arrive together run through the model together: one forward pass of B
 * sentences costs little more than one of a single sentence (per-op overhead dominates), so 8
 * concurrent clients are served several times faster than one by one. Results are the same as
 * extracting each request alone (batching across texts does not change predictions).
 * Large requests go to the model as large jobs (RunOptions.large): chunked, small requests'
 * batches run between their chunks, and one at a time in each thread, which the extractor
 * decides (extract/service.ts). With worker threads, as many groups run at once as there are workers.
 */
import { setImmediate as nextTick } from 'node:timers/promises';
import { TimeLimitError } from '../core/errors.ts';
import type { Extraction } from '../extract/extractor.ts';
import type { ExtractionService } from '../extract/service.ts';

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

  /**
   * @param x where model calls run
   * @param maxChars requests with more characters than this are large
   * @param maxTexts most texts run in one model call
   */
  constructor(
    private readonly x: ExtractionService,
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

  /** Chunked, after the other large jobs of the thread it lands on; waiting in line counts towards the deadline. */
  private large(texts: string[], o: { threshold?: number; deadline: number }): Promise<Extraction[]> {
    return this.x.extract(texts, { ...o, large: true });
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
          .extract(
            live.flatMap((j) => j.texts),
            { threshold: live[0].threshold },
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
