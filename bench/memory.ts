/** Resident memory from /proc (Linux): VmHWM is the peak, which sampling can miss. */
import { readFileSync } from 'node:fs';

export function procMemoryMiB(pid: number | 'self' = 'self'): { rss: number; peak: number } | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? Number.NaN);
    return { rss: Math.round(kb('VmRSS') / 1024), peak: Math.round(kb('VmHWM') / 1024) };
  } catch {
    return null; // not Linux
  }
}
