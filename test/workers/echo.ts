/** A tiny worker for test/workerPool.test.ts: echoes jobs, throws the error a job asks for, or dies. */
import { UserError } from '../../src/core/errors.ts';
import { serveJobs } from '../../src/core/workerPool.ts';

export type EchoJob = { echo: string } | { throw: 'user' | 'internal' } | { die: true } | { wait: number };

await serveJobs<{ name: string; failLoad?: boolean }, EchoJob, string, { name: string; thread: number }>(async (setup, log) => {
  if (setup.failLoad) throw new UserError(`${setup.name}: cannot load`);
  log(`loaded ${setup.name}`);
  const { threadId } = await import('node:worker_threads');
  return {
    info: { name: setup.name, thread: threadId },
    run: async (job) => {
      if ('echo' in job) return `${threadId}:${job.echo}`;
      if ('throw' in job) throw job.throw === 'user' ? new UserError('bad job') : new Error('internal failure');
      if ('wait' in job) {
        await new Promise((r) => setTimeout(r, job.wait));
        return `${threadId}:waited`;
      }
      process.exit(3);
    },
  };
});
