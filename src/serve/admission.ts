/**
 * Admission control: a bounded amount of work, measured in characters of text (a cheap proxy for
 * tokens, known before any tokenisation), may be queued or running at once. A request beyond it is
 * refused at once (503 overloaded) instead of joining a queue it would time out in, so under
 * overload some requests succeed and the rest fail fast. Retry-After comes from the rate work has
 * been done at so far.
 */
export class Admission {
  private queued = 0;
  private charsDone = 0;
  private busyMs = 0;
  private busySince = 0;

  /** @param maxChars characters of text queued or running at once */
  constructor(readonly maxChars: number) {}

  /** Characters of text queued or running now. */
  get load(): number {
    return this.queued;
  }

  /**
   * Take `chars` more into the queue, or say no. An idle queue takes any request, so one larger
   * than the whole budget still runs when nothing else does.
   */
  enter(chars: number): boolean {
    if (this.queued > 0 && this.queued + chars > this.maxChars) return false;
    if (this.queued === 0) this.busySince = Date.now();
    this.queued += chars;
    return true;
  }

  /** The request's work is over; `done`: it completed (so it counts towards the rate). */
  leave(chars: number, done: boolean): void {
    this.queued -= chars;
    if (done) this.charsDone += chars;
    if (this.queued === 0) this.busyMs += Date.now() - this.busySince;
  }

  /** Whole seconds until the work queued now is done, at the rate seen so far (1 to 60; 1 before any is done). */
  retryAfter(): number {
    const ms = this.busyMs + (this.queued > 0 ? Date.now() - this.busySince : 0);
    if (!this.charsDone || !ms) return 1;
    const charsPerSec = (this.charsDone * 1000) / ms;
    return Math.min(60, Math.max(1, Math.ceil(this.queued / charsPerSec)));
  }
}
