/** A redis-server of a test's (or a bench's) own: a free loopback port, a temporary folder, the append-only file on. */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

export async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((ok) => s.listen(0, '127.0.0.1', ok));
  const { port } = s.address() as { port: number };
  await new Promise((ok) => s.close(ok));
  return port;
}

/** A redis-server of our own, append-only file on, in the folder given. */
export class RedisServer {
  private proc?: ChildProcess;
  /** @param fsync the AOF's appendfsync: 'always' for the fault tests, Redis's default 'everysec' for the bench. */
  constructor(
    readonly port: number,
    readonly dir: string,
    private readonly fsync: 'always' | 'everysec' = 'always',
  ) {}
  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }
  async start(): Promise<void> {
    if (spawnSync('sh', ['-c', 'command -v redis-server']).status !== 0) throw new Error('redis-server is not installed (Debian package redis-server; .ci/run installs it)');
    this.proc = spawn(
      'redis-server',
      ['--port', String(this.port), '--bind', '127.0.0.1', '--dir', this.dir, '--appendonly', 'yes', '--appendfsync', this.fsync, '--save', '', '--maxmemory-policy', 'noeviction'],
      { stdio: 'ignore' },
    );
    for (let k = 0; k < 100; k++) {
      if (
        spawnSync('redis-cli', ['-p', String(this.port), 'ping'])
          .stdout?.toString()
          .trim() === 'PONG'
      )
        return;
      await sleep(50);
    }
    throw new Error('redis-server did not start');
  }
  /** SIGTERM: Redis flushes its append-only file and exits. */
  async stop(): Promise<void> {
    const p = this.proc;
    if (!p || p.exitCode !== null) return;
    const gone = new Promise((ok) => p.once('exit', ok));
    p.kill('SIGTERM');
    await gone;
  }
}
