/**
 * Summarise training runs: for every OUT/<run>/metrics.jsonl, the epoch chosen on dev, its
 * P/R/F1, and the wall-clock time; writes OUT/summary.md, OUT/summary.json and OUT/dev-f1.svg
 * (dev F1 per epoch, one line per run).
 * Usage: node --import tsx scripts/summarize.ts OUT [LO]
 */
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const out = process.argv[2];
if (!out || !existsSync(out)) {
  console.error('usage: summarize.ts OUT (a folder of runs)');
  process.exit(2);
}
interface Rec {
  epoch: number;
  seconds: number;
  dev: { precision: number; recall: number; f1: number; nerF1: number };
  best: boolean;
}
const runs = readdirSync(out)
  .filter((d) => existsSync(join(out, d, 'metrics.jsonl')))
  .sort()
  .map((name) => {
    const recs: Rec[] = readFileSync(join(out, name, 'metrics.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const best = recs.reduce((a, b) => (b.dev.f1 > a.dev.f1 ? b : a));
    const minutes = recs.reduce((s, r) => s + r.seconds, 0) / 60;
    return { name, epochs: recs.length, bestEpoch: best.epoch, ...best.dev, minutes, curve: recs.map((r) => r.dev.f1) };
  });
const pct = (x: number) => (100 * x).toFixed(2);
const lines = ['| run | P | R | F1 | NER F1 | epoch chosen / run | wall-clock (min) |', '|---|---|---|---|---|---|---|'];
for (const r of runs) lines.push(`| ${r.name} | ${pct(r.precision)} | ${pct(r.recall)} | ${pct(r.f1)} | ${pct(r.nerF1)} | ${r.bestEpoch} / ${r.epochs} | ${r.minutes.toFixed(1)} |`);
const groups = new Map<string, number[]>();
for (const r of runs) {
  const g = r.name.replace(/-seed\d+$/, '');
  groups.set(g, [...(groups.get(g) ?? []), r.f1]);
}
for (const [g, f] of groups)
  if (f.length > 1) {
    const mean = f.reduce((a, b) => a + b) / f.length;
    const sd = Math.sqrt(f.reduce((a, b) => a + (b - mean) ** 2, 0) / (f.length - 1));
    lines.push('', `${g}: mean dev F1 over ${f.length} seeds ${pct(mean)} (sd ${pct(sd)})`);
  }
writeFileSync(join(out, 'summary.md'), lines.join('\n') + '\n');
writeFileSync(join(out, 'summary.json'), JSON.stringify(runs, null, 2) + '\n');

// A small SVG line chart: dev F1 per epoch.
const W = 640,
  H = 360,
  L = 50,
  R = 150,
  T = 20,
  Bm = 40;
const maxE = Math.max(...runs.map((r) => r.curve.length), 1);
const lo = Number(process.argv[3] ?? 0.5),
  hi = 1; // optional LO: the bottom of the plot (0 for runs far below 50)
const x = (e: number) => L + ((e - 1) / Math.max(maxE - 1, 1)) * (W - L - R);
const y = (f: number) => T + (1 - (Math.max(f, lo) - lo) / (hi - lo)) * (H - T - Bm);
const colors = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f'];
const svg = [`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="11">`, `<rect width="${W}" height="${H}" fill="white"/>`];
for (let f = lo; f <= hi + 1e-9; f += 0.1)
  svg.push(`<line x1="${L}" x2="${W - R}" y1="${y(f)}" y2="${y(f)}" stroke="#ddd"/><text x="${L - 6}" y="${y(f) + 4}" text-anchor="end">${Math.round(f * 100)}</text>`);
for (let e = 1; e <= maxE; e += Math.ceil(maxE / 10)) svg.push(`<text x="${x(e)}" y="${H - Bm + 16}" text-anchor="middle">${e}</text>`);
svg.push(
  `<text x="${(L + W - R) / 2}" y="${H - 6}" text-anchor="middle">epoch</text>`,
  `<text x="14" y="${T + (H - T - Bm) / 2}" transform="rotate(-90 14 ${T + (H - T - Bm) / 2})" text-anchor="middle">dev F1 (%)</text>`,
);
runs.forEach((r, k) => {
  const c = colors[k % colors.length];
  svg.push(`<polyline fill="none" stroke="${c}" stroke-width="1.5" points="${r.curve.map((f, e) => `${x(e + 1).toFixed(1)},${y(f).toFixed(1)}`).join(' ')}"/>`);
  svg.push(`<text x="${W - R + 8}" y="${T + 14 * k + 10}" fill="${c}">${r.name} ${pct(r.f1)}</text>`);
});
svg.push('</svg>');
writeFileSync(join(out, 'dev-f1.svg'), svg.join('\n') + '\n');
console.log(lines.join('\n'));
