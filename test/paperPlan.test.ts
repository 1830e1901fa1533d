/**
 * The paper's plan (scripts/paper): every table's runs are in the plan once, and the summary turns
 * run records into mean ± sd rows and findings measured against the seeds' spread.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { TABLES, plan } from '../scripts/paper/plan.ts';
import { meanSd, summarize } from '../scripts/paper/summary.ts';

test('paper plan: each (data, configuration, seed) of every table is one run, named once', () => {
  const runs = plan();
  const names = new Set(runs.map((r) => r.name));
  assert.equal(names.size, runs.length);
  for (const t of Object.values(TABLES)) for (const c of t.configs) for (const seed of t.seeds) assert.ok(names.has(`${t.data}-${c}-s${seed}`), `${t.data}-${c}-s${seed}`);
  assert.ok(runs.every((r) => r.args.includes('--seed') && r.args[r.args.indexOf('--seed') + 1] === String(r.seed)));
});

test('paper summary: rows are mean ± sample sd over the records, and a gap is judged against the spread', () => {
  assert.deepEqual(meanSd([0.5, 1.5]), { mean: 1, sd: Math.SQRT1_2, n: 2 });
  const dir = mkdtempSync(join(tmpdir(), 'rin-paper-'));
  try {
    const records = join(dir, 'records');
    mkdirSync(records);
    const write = (config: string, seed: number, f1: number) => {
      const prf = { precision: f1, recall: f1, f1 };
      const record = { name: `star-${config}-s${seed}`, data: 'star', config, seed, args: [], epochs: 1, seconds: 1, scores: { dev: { file: 'dev', scores: { triples: prf, ner: prf } } } };
      writeFileSync(join(records, `${record.name}.json`), JSON.stringify(record));
    };
    // RIN K=1 at 0.86 and 0.87, RIN−H at 0.80 and 0.81: a gap of 6 F1 with an sd of 0.71.
    write('rin-k1', 1, 0.86);
    write('rin-k1', 2, 0.87);
    write('rin-no-h', 1, 0.8);
    write('rin-no-h', 2, 0.81);
    summarize(records, dir);
    const page = readFileSync(join(dir, 'paper-results.md'), 'utf8');
    assert.match(page, /from 4 finished runs/);
    assert.match(page, /\| RIN−H \| 2 \| 80\.50 ± 0\.71 \| 85\.9 \|/);
    assert.match(page, /- RIN−H − RIN \(K = 1\): -6\.00 F1 \(the paper: -0\.4; 2 and 2 seeds, the larger sd 0\.71\): beyond twice the spread of the seeds\./);
    // Figure 3's K = 1 GRU point is RIN K=1's seeds; the RNN has none: each column has its own n.
    assert.match(page, /\| 1 \| 86\.50 ± 0\.71 \(2\) \| — \(0\) \|/);
    assert.match(readFileSync(join(dir, 'paper-fig3-f1.svg'), 'utf8'), /^<svg /);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
