/**
 * A progress line for long work. On a terminal it redraws one line (at most 4 times a second);
 * in a log file it prints a line at every 10% so the log stays short.
 */
export class Progress {
  private last = 0;
  private lastTenth = -1;
  private readonly start = Date.now();
  private readonly tty: boolean;
  constructor(
    private readonly label: string,
    private readonly total: number,
    private readonly out: NodeJS.WriteStream = process.stderr,
    enabled = true,
  ) {
    this.tty = enabled && !!out.isTTY;
    if (!enabled) this.total = -1;
  }

  update(done: number, info = ''): void {
    if (this.total <= 0) return;
    const now = Date.now();
    const secs = (now - this.start) / 1000;
    const rate = done / Math.max(secs, 1e-9);
    const eta = rate > 0 ? (this.total - done) / rate : 0;
    const frac = done / this.total;
    const line = `${this.label} ${String(Math.round(frac * 100)).padStart(3)}% ${done}/${this.total} ${fmt(secs)} elapsed, ${fmt(eta)} left ${info}`;
    if (this.tty) {
      if (now - this.last < 250 && done < this.total) return;
      this.last = now;
      const width = 24;
      const bar = '█'.repeat(Math.round(frac * width)).padEnd(width, '░');
      this.out.write(`\r${bar} ${line}`.slice(0, (this.out.columns ?? 120) - 1).padEnd(Math.min(this.out.columns ?? 120, 160) - 1));
      if (done >= this.total) this.out.write('\n');
    } else {
      const tenth = Math.floor(frac * 10);
      if (tenth !== this.lastTenth) {
        this.lastTenth = tenth;
        this.out.write(line + '\n');
      }
    }
  }
}

function fmt(s: number): string {
  if (!Number.isFinite(s)) return '?';
  const m = Math.floor(s / 60);
  return m ? `${m}m${String(Math.round(s % 60)).padStart(2, '0')}s` : `${s.toFixed(0)}s`;
}
