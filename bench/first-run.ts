/**
 * What a new user's first extraction costs (npm run bench): a fresh process loads the shipped
 * model and extracts one sentence, first with an empty cache directory (the open-vocabulary
 * vector table is built from the npm package's GloVe file and cached), then again with the cache
 * in place. Reports wall time from process start, peak resident memory (VmHWM) and the cache's
 * size. Writes bench/first-run-results.json.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { procMemoryMiB } from './memory.ts';

const SENTENCE = 'Marie Curie was born in Warsaw.';

if (process.argv[2] === 'child') {
  const { loadModel } = await import('../src/extract/load.ts');
  const model = await loadModel(process.env.BENCH_MODEL);
  await model.extract(SENTENCE);
  model.dispose();
  console.log(JSON.stringify({ ms: Math.round(performance.now()), peakMiB: procMemoryMiB()?.peak ?? null }));
} else {
  const cache = mkdtempSync(join(tmpdir(), 'rin-first-run-'));
  const once = () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', new URL(import.meta.url).pathname, 'child'], { env: { ...process.env, RIN_CACHE_DIR: cache }, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`first-run child failed: ${r.stderr}`);
    return JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { ms: number; peakMiB: number | null };
  };
  try {
    const first = once();
    const cacheMiB = Math.round(readdirSync(cache).reduce((s, f) => s + statSync(join(cache, f)).size, 0) / 2 ** 20);
    const later = once();
    const result = { date: new Date().toISOString(), model: process.env.BENCH_MODEL ?? 'shipped', first, later, cacheMiB };
    console.log(`first run (empty cache): ${first.ms} ms, peak ${first.peakMiB} MiB; cache ${cacheMiB} MiB; later runs: ${later.ms} ms, peak ${later.peakMiB} MiB`);
    writeFileSync(new URL('./first-run-results.json', import.meta.url), `${JSON.stringify(result, null, 2)}\n`);
  } finally {
    rmSync(cache, { recursive: true, force: true });
  }
}
