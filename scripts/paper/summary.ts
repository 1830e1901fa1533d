/**
 * The paper's tables from the finished runs of plan.ts (each RECORDS/NAME.json): mean ± sd over
 * the seeds there are, with their number and the paper's figure beside; Figure 3 as three SVG
 * plots (F1, P, R against K for the GRU and the RNN updater, BiLSTM_s as a flat line, error bars
 * from the seeds). Writes DOCS/paper-results.md and DOCS/paper-fig3-{f1,p,r}.svg.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PAPER, type PlanRun, TABLES, plan } from './plan.ts';

interface PRF {
  precision: number;
  recall: number;
  f1: number;
}
interface Done extends PlanRun {
  epochs: number;
  seconds: number;
  scores: Record<string, { file: string; scores: { triples: PRF; ner: PRF } }>;
}

/** Mean and sample sd of values in percent. */
export function meanSd(xs: number[]): { mean: number; sd: number; n: number } {
  const n = xs.length;
  const mean = xs.reduce((a, b) => a + b, 0) / Math.max(n, 1);
  const sd = n > 1 ? Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1)) : Number.NaN;
  return { mean, sd, n };
}

const fmt = (m: { mean: number; sd: number; n: number }) => (m.n ? `${m.mean.toFixed(2)}${Number.isNaN(m.sd) ? '' : ` ± ${m.sd.toFixed(2)}`}` : '—');

function load(records: string): Done[] {
  if (!existsSync(records)) return [];
  return readdirSync(records)
    .filter((f) => f.endsWith('.json'))
    .map((f) => JSON.parse(readFileSync(join(records, f), 'utf8')) as Done);
}

/** One configuration's runs (of the table's seeds) on a data set, and a metric of their dev scores. */
function stat(runs: Done[], data: string, config: string, seeds: number[], pick: (s: Done['scores']['dev']['scores']) => number) {
  return meanSd(runs.filter((r) => r.data === data && r.config === config && seeds.includes(r.seed)).map((r) => 100 * pick(r.scores.dev.scores)));
}

const NAMES: Record<string, string> = {
  bilstm: 'BiLSTM',
  bilstm_s: 'BiLSTM_s',
  'rin-k1': 'RIN (K = 1)',
  'rin-k3': 'RIN (K = 3)',
  'rin-k5': 'RIN (K = 5)',
  'rin-no-yrel': 'RIN−ỹ',
  'rin-no-yent': 'RIN−ȳ',
  'rin-no-h': 'RIN−H',
  'rin-linear': 'RIN−γ',
};

/** An SVG line plot of Figure 3: one metric against K, GRU and RNN, BiLSTM_s flat. */
function plot(runs: Done[], metric: 'f1' | 'precision' | 'recall'): string {
  const seeds = TABLES.figure3.seeds;
  const series = (prefix: string) => [1, 2, 3, 4, 5].map((k) => stat(runs, 'star', `${prefix}-k${k}`, seeds, (s) => s.triples[metric]));
  const gru = series('rin');
  const rnn = series('rnn');
  const base = stat(runs, 'star', 'bilstm_s', seeds, (s) => s.triples[metric]);
  const all = [...gru, ...rnn, base].filter((m) => m.n).flatMap((m) => [m.mean - (m.sd || 0), m.mean + (m.sd || 0)]);
  const lo = Math.floor(Math.min(...all, 100) - 0.5);
  const hi = Math.ceil(Math.max(...all, 0) + 0.5);
  const W = 420,
    H = 280,
    L = 50,
    B = 40;
  const x = (k: number) => L + ((k - 1) / 4) * (W - L - 20);
  const y = (v: number) => H - B - ((v - lo) / Math.max(hi - lo, 1e-9)) * (H - B - 20);
  const line = (s: ReturnType<typeof meanSd>[], color: string) => {
    const pts = s.map((m, i) => (m.n ? `${x(i + 1)},${y(m.mean)}` : '')).filter(Boolean);
    const bars = s.map((m, i) => (m.n && !Number.isNaN(m.sd) ? `<line x1="${x(i + 1)}" x2="${x(i + 1)}" y1="${y(m.mean - m.sd)}" y2="${y(m.mean + m.sd)}" stroke="${color}"/>` : '')).join('');
    const dots = s.map((m, i) => (m.n ? `<circle cx="${x(i + 1)}" cy="${y(m.mean)}" r="3" fill="${color}"/>` : '')).join('');
    return `<polyline fill="none" stroke="${color}" stroke-width="2" points="${pts.join(' ')}"/>${bars}${dots}`;
  };
  const ticks = Array.from({ length: hi - lo + 1 }, (_, i) => lo + i).filter((t, _, a) => a.length <= 12 || t % 2 === 0);
  const label = { f1: 'F1', precision: 'Precision', recall: 'Recall' }[metric];
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="11">
<rect width="100%" height="100%" fill="white"/>
<text x="${W / 2}" y="14" text-anchor="middle" font-size="13">${label} on WebNLG* dev against K (mean ± sd over ${seeds.length} seeds)</text>
${ticks.map((t) => `<line x1="${L}" x2="${W - 20}" y1="${y(t)}" y2="${y(t)}" stroke="#eee"/><text x="${L - 6}" y="${y(t) + 4}" text-anchor="end">${t}</text>`).join('\n')}
${[1, 2, 3, 4, 5].map((k) => `<text x="${x(k)}" y="${H - B + 16}" text-anchor="middle">${k}</text>`).join('')}
<text x="${W / 2}" y="${H - 6}" text-anchor="middle">updating rounds K</text>
${base.n ? `<line x1="${L}" x2="${W - 20}" y1="${y(base.mean)}" y2="${y(base.mean)}" stroke="#888" stroke-dasharray="5,4"/>` : ''}
${line(gru, '#c0392b')}${line(rnn, '#2471a3')}
<text x="${L + 8}" y="32" fill="#c0392b">RIN (GRU)</text><text x="${L + 88}" y="32" fill="#2471a3">RIN (RNN)</text><text x="${L + 168}" y="32" fill="#888">BiLSTM_s</text>
</svg>
`;
}

/** "A − B: d F1 (n and m seeds, ...): within/beyond the seeds' spread", for the findings. */
function versus(a: string, m: ReturnType<typeof meanSd>, b: string, base: ReturnType<typeof meanSd>, paper?: number): string {
  const d = m.mean - base.mean;
  const spread = Math.max(m.sd, base.sd);
  const verdict = Math.abs(d) > 2 * spread ? 'beyond twice the spread of the seeds' : Math.abs(d) > spread ? 'beyond one sd, within two' : 'within the spread of the seeds';
  const inPaper = paper === undefined ? '' : `the paper: ${paper >= 0 ? '+' : ''}${paper.toFixed(1)}; `;
  return `- ${a} − ${b}: ${d >= 0 ? '+' : ''}${d.toFixed(2)} F1 (${inPaper}${m.n} and ${base.n} seeds, the larger sd ${spread.toFixed(2)}): ${verdict}.`;
}

/** Plain statements the reader can check against the tables: differences against the seeds' spread, the K curves' peaks. */
function findings(runs: Done[]): string[] {
  const f1 = (c: string, seeds: number[]) => stat(runs, 'star', c, seeds, (s) => s.triples.f1);
  const out: string[] = [];
  const base = f1('bilstm_s', TABLES.table1.seeds);
  for (const c of ['rin-k1', 'rin-k3', 'rin-k5']) {
    const m = f1(c, TABLES.table1.seeds);
    if (m.n >= 2 && base.n >= 2) out.push(versus(NAMES[c], m, 'BiLSTM_s', base, PAPER.table1[c][2] - PAPER.table1.bilstm_s[2]));
  }
  const full = f1('rin-k1', TABLES.table5.seeds);
  for (const c of TABLES.table5.configs.filter((c) => c !== 'rin-k1')) {
    const m = f1(c, TABLES.table5.seeds);
    if (m.n >= 2 && full.n >= 2) out.push(versus(c === 'bilstm_s' ? 'RIN−INT' : NAMES[c], m, 'RIN (K = 1)', full, PAPER.table5[c] - PAPER.table5['rin-k1']));
  }
  for (const prefix of ['rin', 'rnn']) {
    const curve = [1, 2, 3, 4, 5].map((k) => f1(`${prefix}-k${k}`, TABLES.figure3.seeds));
    if (curve.some((m) => m.n < 2)) continue;
    const best = curve.reduce((b, m, i) => (m.mean > curve[b].mean ? i : b), 0);
    out.push(
      `- ${prefix === 'rin' ? 'RIN (GRU)' : 'RIN (RNN)'}: F1 by K = ${curve.map((m) => m.mean.toFixed(2)).join(', ')}; highest at K = ${best + 1} (the paper: the GRU rises over 5 rounds, the RNN peaks in the first two).`,
    );
  }
  return out.length ? out : ['- Not enough finished runs yet (each statement needs at least 2 seeds of each side).'];
}

export function summarize(records: string, docs: string): void {
  const runs = load(records);
  const t1 = TABLES.table1;
  const lines = [
    "# The paper's experiments on WebNLG*, rerun",
    '',
    `Generated by \`node --import tsx scripts/paper/run.ts --summary-only\` from ${runs.length} finished runs of the plan in \`scripts/paper/plan.ts\` (\`--preset paper\`, dev scores; mean ± sd over the seeds, n = how many). The test splits are held out here: \`--test FILE\` scores them when one is given.`,
    '',
    `The whole plan (${plan().length} runs of about 10-25 minutes on one core, two at a time): \`node --import tsx scripts/paper/run.ts\`; one table: \`--table table5\`; one row: \`--table table1 --config rin-k3\`; one run: \`--only star-rin-k3-s2\`. A finished run leaves its record in \`docs/paper-runs/\` and is not run again; a killed one resumes from its checkpoint in \`runs/paper/\`.`,
    '',
    '## Table 1 (WebNLG*, exact match on last words)',
    '',
    '| model | n | P | R | F1 | paper P / R / F1 |',
    '|---|---|---|---|---|---|',
  ];
  for (const c of t1.configs) {
    const [p, r, f] = ['precision', 'recall', 'f1'].map((m) => stat(runs, 'star', c, t1.seeds, (s) => s.triples[m as keyof PRF]));
    lines.push(`| ${NAMES[c]} | ${f.n} | ${fmt(p)} | ${fmt(r)} | ${fmt(f)} | ${PAPER.table1[c].map((x) => x.toFixed(1)).join(' / ')} |`);
  }
  lines.push('', '## Table 4 (WebNLG*: RE F1 and NER F1 of the Table 1 rows; the paper shows NYT)', '', '| model | n | RE F1 | NER F1 | paper (NYT) RE / NER |', '|---|---|---|---|---|');
  for (const c of t1.configs) {
    const re = stat(runs, 'star', c, t1.seeds, (s) => s.triples.f1);
    const ner = stat(runs, 'star', c, t1.seeds, (s) => s.ner.f1);
    lines.push(`| ${NAMES[c]} | ${re.n} | ${fmt(re)} | ${fmt(ner)} | ${PAPER.table4nyt[c]?.map((x) => x.toFixed(1)).join(' / ') ?? '—'} |`);
  }
  const t5 = TABLES.table5;
  lines.push('', '## Table 5 (ablations at K = 1, WebNLG*)', '', '| model | n | F1 | paper F1 |', '|---|---|---|---|');
  for (const c of t5.configs) {
    const f = stat(runs, 'star', c, t5.seeds, (s) => s.triples.f1);
    lines.push(`| ${c === 'bilstm_s' ? 'RIN−INT (= BiLSTM_s)' : c === 'rin-k1' ? 'RIN' : NAMES[c]} | ${f.n} | ${fmt(f)} | ${PAPER.table5[c].toFixed(1)} |`);
  }
  lines.push('', '## Figure 3 (K = 1..5, GRU and RNN updaters, WebNLG*)', '', '| K | RIN (GRU) F1 (n) | RIN (RNN) F1 (n) |', '|---|---|---|');
  for (const k of [1, 2, 3, 4, 5]) {
    const g = stat(runs, 'star', `rin-k${k}`, TABLES.figure3.seeds, (s) => s.triples.f1);
    const r = stat(runs, 'star', `rnn-k${k}`, TABLES.figure3.seeds, (s) => s.triples.f1);
    lines.push(`| ${k} | ${fmt(g)} (${g.n}) | ${fmt(r)} (${r.n}) |`);
  }
  lines.push('', '![F1 against K](paper-fig3-f1.svg) ![Precision against K](paper-fig3-p.svg) ![Recall against K](paper-fig3-r.svg)');
  const te = TABLES.exact;
  lines.push('', `## Table 1 rows on WebNLG exact (whole-span mentions; the camera-ready reports RIN ${PAPER.exactRin})`, '', '| model | n | P | R | F1 |', '|---|---|---|---|---|');
  for (const c of te.configs) {
    const [p, r, f] = ['precision', 'recall', 'f1'].map((m) => stat(runs, 'exact', c, te.seeds, (s) => s.triples[m as keyof PRF]));
    lines.push(`| ${NAMES[c]} | ${f.n} | ${fmt(p)} | ${fmt(r)} | ${fmt(f)} |`);
  }
  lines.push('', '## What the runs say (computed from the tables above)', '', ...findings(runs));
  lines.push(
    '',
    '## What differs from the paper',
    '',
    '- NYT is not rerun: its training split is not available offline here. BERT rows are not rerun: no BERT weights are reachable.',
    "- Word vectors: GloVe 6B 100-d (a subset covering the data), not necessarily Zeng et al.'s; at most 30 epochs with patience 5 (the paper gives no epoch count); dev scores, since the test splits are held out.",
    '- Figure 3 has no numbers in the paper, so its points stand alone here.',
    '',
  );
  writeFileSync(join(docs, 'paper-results.md'), lines.join('\n'));
  for (const [m, f] of [
    ['f1', 'f1'],
    ['precision', 'p'],
    ['recall', 'r'],
  ] as const)
    writeFileSync(join(docs, `paper-fig3-${f}.svg`), plot(runs, m));
}
