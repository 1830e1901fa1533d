/**
 * The generic worker pool (src/core/workerPool.ts) on a tiny echo worker (test/workers/echo.ts):
 * jobs spread over workers or go to the one named, errors keep their class, a worker that
 * stops fails only its own jobs and is replaced (or, without restart, stays gone), a load error
 * is the worker's own error, and idle workers do not keep the process alive.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { UserError, WorkerCrashError } from '../src/core/errors.ts';
import { WorkerPool } from '../src/core/workerPool.ts';
import type { EchoJob } from './workers/echo.ts';

const ECHO = new URL('./workers/echo.ts', import.meta.url);
type Pool = WorkerPool<EchoJob, string, { name: string; thread: number }>;
const start = (o: { size?: number; restart?: boolean; failLoad?: boolean; log?: (l: string) => void } = {}): Promise<Pool> =>
  WorkerPool.start(ECHO, { name: 'echo', failLoad: o.failLoad }, { size: o.size ?? 2, name: 'worker', restart: o.restart ?? true, ready: 'all', log: o.log });

test('jobs run on the least loaded worker or the one named; results and error classes come back', async () => {
  const logs: string[] = [];
  const pool = await start({ log: (l) => logs.push(l) });
  try {
    assert.equal(pool.info.name, 'echo');
    assert.deepEqual(logs, ['loaded echo'], 'each distinct log line once, not once per worker');
    const out = await Promise.all(Array.from({ length: 8 }, (_, k) => pool.run({ echo: String(k) })));
    assert.deepEqual(
      out.map((r) => r.split(':')[1]),
      ['0', '1', '2', '3', '4', '5', '6', '7'],
    );
    assert.equal(new Set(out.map((r) => r.split(':')[0])).size, 2, 'both workers took jobs');
    const on1 = await Promise.all([pool.run({ echo: 'a' }, { on: 1 }), pool.run({ echo: 'b' }, { on: 1 })]);
    assert.equal(new Set(on1.map((r) => r.split(':')[0])).size, 1, 'jobs for worker 1 ran on one worker');
    await assert.rejects(pool.run({ throw: 'user' }), (e: Error) => e instanceof UserError && e.message === 'bad job');
    await assert.rejects(pool.run({ throw: 'internal' }), (e: Error) => !(e instanceof UserError) && e.message === 'internal failure' && /in the worker/.test(e.stack ?? ''));
    assert.equal(await pool.run({ echo: 'x' }).then((r) => r.split(':')[1]), 'x', 'the pool serves on after errors');
  } finally {
    await pool.close();
  }
  await assert.rejects(pool.run({ echo: 'late' }), /closed/);
});

test('a worker that stops fails only its own jobs and is replaced; stop(k) is handled as a crash', async () => {
  const logs: string[] = [];
  const pool = await start({ log: (l) => logs.push(l) });
  try {
    const slow = pool.run({ wait: 300 }, { on: 0 });
    const dying = pool.run({ die: true }, { on: 1 });
    await assert.rejects(dying, (e: Error) => e instanceof WorkerCrashError && /stopped \(exit code 3\); it was restarted/.test(e.message));
    assert.match(await slow, /waited/, 'the other worker finished its job');
    assert.ok(
      logs.some((l) => /^rin: worker 2 of 2 stopped \(exit code 3\); starting a new one$/.test(l)),
      logs.join('\n'),
    );
    assert.equal(pool.restarts, 1);
    assert.match(await pool.run({ echo: 'again' }, { on: 1 }), /again/, 'the replacement takes jobs');
    await pool.stop(0);
    for (let k = 0; k < 100 && pool.restarts < 2; k++) await sleep(50);
    assert.equal(pool.restarts, 2, 'stop(k) is handled as a crash');
    for (let k = 0; k < 100 && !pool.workers().every((w) => w.ready); k++) await sleep(50);
    assert.deepEqual(
      pool.workers().map((w) => [w.ready, w.jobs]),
      [
        [true, 0],
        [true, 0],
      ],
    );
  } finally {
    await pool.close();
  }
});

test('without restart a stopped worker stays gone: its jobs and later jobs for it fail, the others serve', async () => {
  const pool = await start({ restart: false });
  try {
    await assert.rejects(pool.run({ die: true }, { on: 0 }), (e: Error) => e instanceof WorkerCrashError && /stopped \(exit code 3\)$/.test(e.message));
    await assert.rejects(pool.run({ echo: 'x' }, { on: 0 }), (e: Error) => e instanceof WorkerCrashError && /worker 1 stopped \(exit code 3\)/.test(e.message));
    assert.match(await pool.run({ echo: 'y' }), /y$/, 'unaddressed jobs go to the worker left');
    assert.equal(pool.restarts, 0);
  } finally {
    await pool.close();
  }
});

test("a load error is the worker code's own error; start() rejects and leaves no worker; a bad size is a UserError", async () => {
  await assert.rejects(start({ failLoad: true }), (e: Error) => e instanceof UserError && e.message === 'echo: cannot load');
  await assert.rejects(start({ size: 0 }), (e: Error) => e instanceof UserError && /integer ≥ 1/.test(e.message));
});

test('idle workers do not keep the process alive: a script that never calls close() exits', () => {
  const script = `
    import { WorkerPool } from ${JSON.stringify(new URL('../src/core/workerPool.ts', import.meta.url).href)};
    const pool = await WorkerPool.start(new URL(${JSON.stringify(ECHO.href)}), { name: 'echo' }, { size: 1, name: 'worker', restart: false, ready: 'all' });
    console.log(await pool.run({ echo: 'done' }));
  `;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 30_000 });
  assert.equal(r.signal, null, 'the process exits without close()');
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /:done/);
});
