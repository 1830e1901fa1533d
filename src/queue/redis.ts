/**
 * The Redis a queue lives in: a URL checked before anything else, so a wrong URL or a Redis that
 * is down is one clear line at once, not a hang (ioredis would retry for ever).
 */
import { Redis } from 'ioredis';
import { UserError } from '../core/errors.ts';

/** How long the first contact may take. */
const CONNECT_MS = 3000;

/** A checked redis:// or rediss:// URL. */
export function checkRedisUrl(url: string | undefined): string {
  if (!url) throw new UserError('--redis URL is required, e.g. --redis redis://127.0.0.1:6379');
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new UserError(`--redis must be a URL such as redis://host:6379, got "${url}"`);
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') throw new UserError(`--redis must be a redis:// or rediss:// URL, got "${url}"`);
  return url;
}

/**
 * A connection for BullMQ (maxRetriesPerRequest null: a worker waits out a Redis restart instead
 * of failing its commands), after one PING answered within CONNECT_MS.
 */
export async function connect(url: string): Promise<Redis> {
  checkRedisUrl(url);
  const probe = new Redis(url, { lazyConnect: true, connectTimeout: CONNECT_MS, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false });
  probe.on('error', () => {}); // reported below, once
  try {
    await probe.connect();
    await probe.ping();
  } catch (e) {
    throw new UserError(`cannot reach Redis at ${url}: ${(e as Error).message || 'no answer'} (is redis-server running there?)`);
  } finally {
    probe.disconnect();
  }
  const r = new Redis(url, { maxRetriesPerRequest: null });
  r.on('error', () => {}); // ioredis reconnects by itself; BullMQ reports what fails
  return r;
}
