/**
 * Mean and standard deviation over cross-validation folds: reads OUT/fold-K/test-scores.json
 * (from rin eval --json), writes DOC.md (default docs/ade-10fold.md) and prints it, and plots
 * every fold's dev strict relation F1 per epoch (OUT/fold-K/metrics.jsonl) as DOC-dev.svg.
 * Usage: node --import tsx scripts/summarize-folds.ts runs/ade [DOC]
 */
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const out = process.argv[2] ?? 'runs/ade';
const doc = process.argv[3] ?? 'docs/ade-10fold';
const folds = readdirSync(out)
  .filter((d) => /^fold-\d+$/.test(d))
  .sort((a, b) => Number(a.slice(5)) - Number(b.slice(5)));
const rows: { fold: string; entity: number; strict: number; boundaries: number; epoch: number; curve: number[] }[] = [];
for (const f of folds) {
  const file = join(out, f, 'test-scores.json');
  if (!existsSync(file)) continue;
  const s = JSON.parse(readFileSync(file, 'utf8')).scores;
  const metrics = readFileSync(join(out, f, 'metrics.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  const best = metrics.filter((m) => m.best).pop();
  rows.push({ fold: f, entity: s.entities.f1, strict: s.strict.f1, boundaries: s.boundaries.f1, epoch: best?.epoch ?? 0, curve: metrics.map((m) => m.dev.f1) });
}
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const sd = (xs: number[]) => Math.sqrt(mean(xs.map((x) => (x - mean(xs)) ** 2)));
const pct = (x: number) => (100 * x).toFixed(2);
const lines = [
  `# ADE, 10-fold cross-validation (${rows.length} folds done)`,
  '',
  "Made by `bash scripts/ade-10fold.sh` (scores of each fold's held-out test part; model selected on 10% of the fold's training part).",
  '',
  '| fold | entity F1 | relation F1 strict | relation F1 boundaries | epoch chosen |',
  '|---|---|---|---|---|',
  ...rows.map((r) => `| ${r.fold} | ${pct(r.entity)} | ${pct(r.strict)} | ${pct(r.boundaries)} | ${r.epoch} |`),
];
if (rows.length) {
  const col = (k: 'entity' | 'strict' | 'boundaries') => rows.map((r) => r[k]);
  lines.push(
    `| **mean ± sd** | **${pct(mean(col('entity')))} ± ${pct(sd(col('entity')))}** | **${pct(mean(col('strict')))} ± ${pct(sd(col('strict')))}** | ${pct(mean(col('boundaries')))} ± ${pct(sd(col('boundaries')))} | |`,
  );
}
lines.push('', `![dev strict relation F1 per epoch, every fold](${doc.split('/').pop()}-dev.svg)`);
const text = lines.join('\n') + '\n';

// Dev curves: did the epoch cap cut runs that were still improving?
const [W, H, L, R, T, Bm] = [640, 320, 44, 90, 12, 36];
const maxE = Math.max(1, ...rows.map((r) => r.curve.length));
const x = (e: number) => L + ((e - 1) / Math.max(1, maxE - 1)) * (W - L - R);
const y = (f: number) => T + (1 - f / 0.8) * (H - T - Bm);
const svg = [`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="11">`, `<rect width="${W}" height="${H}" fill="white"/>`];
for (let f = 0; f <= 0.8 + 1e-9; f += 0.1)
  svg.push(`<line x1="${L}" x2="${W - R}" y1="${y(f)}" y2="${y(f)}" stroke="#ddd"/><text x="${L - 6}" y="${y(f) + 4}" text-anchor="end">${Math.round(f * 100)}</text>`);
for (let e = 1; e <= maxE; e++) svg.push(`<text x="${x(e)}" y="${H - Bm + 16}" text-anchor="middle">${e}</text>`);
svg.push(
  `<text x="${(L + W - R) / 2}" y="${H - 4}" text-anchor="middle">epoch</text>`,
  `<text x="12" y="${T + (H - T - Bm) / 2}" transform="rotate(-90 12 ${T + (H - T - Bm) / 2})" text-anchor="middle">dev strict relation F1 (%)</text>`,
);
rows.forEach((r, k) => {
  const c = `hsl(${(k * 36) % 360} 65% 45%)`;
  svg.push(`<polyline fill="none" stroke="${c}" stroke-width="1.5" points="${r.curve.map((f, e) => `${x(e + 1).toFixed(1)},${y(f).toFixed(1)}`).join(' ')}"/>`);
  svg.push(`<text x="${W - R + 8}" y="${T + 14 * k + 10}" fill="${c}">${r.fold}</text>`);
});
svg.push('</svg>');
writeFileSync(`${doc}-dev.svg`, svg.join('\n') + '\n');
writeFileSync(`${doc}.md`, text);
process.stdout.write(text);
