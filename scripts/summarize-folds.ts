/**
 * Mean and standard deviation over cross-validation folds: reads OUT/fold-K/test-scores.json
 * (from rin eval --json), writes docs/ade-10fold.md and prints it.
 * Usage: node --import tsx scripts/summarize-folds.ts runs/ade
 */
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const out = process.argv[2] ?? 'runs/ade';
const folds = readdirSync(out).filter((d) => /^fold-\d+$/.test(d)).sort((a, b) => Number(a.slice(5)) - Number(b.slice(5)));
const rows: { fold: string; entity: number; strict: number; boundaries: number; epoch: number }[] = [];
for (const f of folds) {
  const file = join(out, f, 'test-scores.json');
  if (!existsSync(file)) continue;
  const s = JSON.parse(readFileSync(file, 'utf8')).scores;
  const metrics = readFileSync(join(out, f, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  const best = metrics.filter((m) => m.best).pop();
  rows.push({ fold: f, entity: s.entities.f1, strict: s.strict.f1, boundaries: s.boundaries.f1, epoch: best?.epoch ?? 0 });
}
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const sd = (xs: number[]) => Math.sqrt(mean(xs.map((x) => (x - mean(xs)) ** 2)));
const pct = (x: number) => (100 * x).toFixed(2);
const lines = [
  `# ADE, 10-fold cross-validation (${rows.length} folds done)`,
  '',
  'Made by `bash scripts/ade-10fold.sh` (scores of each fold\'s held-out test part; model selected on 10% of the fold\'s training part).',
  '',
  '| fold | entity F1 | relation F1 strict | relation F1 boundaries | epoch chosen |',
  '|---|---|---|---|---|',
  ...rows.map((r) => `| ${r.fold} | ${pct(r.entity)} | ${pct(r.strict)} | ${pct(r.boundaries)} | ${r.epoch} |`),
];
if (rows.length) {
  const col = (k: 'entity' | 'strict' | 'boundaries') => rows.map((r) => r[k]);
  lines.push(`| **mean ± sd** | **${pct(mean(col('entity')))} ± ${pct(sd(col('entity')))}** | **${pct(mean(col('strict')))} ± ${pct(sd(col('strict')))}** | ${pct(mean(col('boundaries')))} ± ${pct(sd(col('boundaries')))} | |`);
}
const text = lines.join('\n') + '\n';
writeFileSync('docs/ade-10fold.md', text);
process.stdout.write(text);
