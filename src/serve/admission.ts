/**
 * Admission control: a bounded amount of work, measured in characters of text (a cheap proxy for
 * tokens, known before any tokenisation), may be queued or running at once. A request beyond it is
 * refused at once (503 overloaded) instead of joining a queue it would time out in, so under
 * overload some requests succeed and the rest fail fast. Once some work is done, a request is also
 * refused when the work queued with it would not be done within `maxWaitMs` at the rate seen so
 * far (on a busy machine that rate is lower than the budget assumes). Retry-After comes from that
 * rate too.
 */
export class Admission {
  private queued = 0;
  private charsDone = 0;
  private finished = 0;
  private busyMs = 0;
  private busySince = 0;

  /**
   * @param maxChars characters of text queued or running at once
   * @param maxWaitMs refuse work that would not be done within this (the request time limit)
   * @param now the clock (tests pass their own)
   */
  constructor(
    readonly maxChars: number,
    private readonly maxWaitMs = Infinity,
    private readonly now = Date.now,
  ) {}

  /** Characters of text queued or running now. */
  get load(): number {
    return this.queued;
  }

  /**
   * Take `chars` more into the queue, or say no. An idle queue takes any request, so one larger
   * than the whole budget still runs when nothing else does.
   */
  enter(chars: number): boolean {
    if (this.queued > 0 && (this.queued + chars > this.maxChars || this.msFor(this.queued + chars) > this.maxWaitMs)) return false;
    if (this.queued === 0) this.busySince = this.now();
    this.queued += chars;
    return true;
  }

  /** The request's work is over; `done`: it completed (so it counts towards the rate). */
  leave(chars: number, done: boolean): void {
    this.queued -= chars;
    this.finished++;
    if (done) this.charsDone += chars;
    if (this.queued === 0) this.busyMs += this.now() - this.busySince;
  }

  /** Whole seconds until the work queued now is done, at the rate seen so far (1 to 60; 1 before any is done). */
  retryAfter(): number {
    return Math.min(60, Math.max(1, Math.ceil(this.msFor(this.queued) / 1000)));
  }

  /**
   * Time to get through `chars` at the rate seen so far: 0 before anything finished; Infinity when
   * only failures (time limits) finished, so such a lane takes one request at a time.
   */
  private msFor(chars: number): number {
    const busy = this.busyMs + (this.queued > 0 ? this.now() - this.busySince : 0);
    if (!this.finished || !busy) return 0;
    return this.charsDone ? (chars * busy) / this.charsDone : Infinity;
  }
}
