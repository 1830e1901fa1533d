/**
 * Run the paper's plan (plan.ts), two runs at a time (one core each), then summarise it
 * (summary.ts → docs/paper-results.md and its plots). Each run is a folder OUT/NAME: resumed when
 * a checkpoint is there (a killed run goes on exactly), started otherwise. After training, the
 * run's model is scored on the dev set and on each --test file, and its record (configuration,
 * epochs, time, scores) is written to RECORDS/NAME.json, which is checked in: a run with a record
 * is done, so the plan fills up across sessions and machines even when OUT (gitignored) is gone.
 *
 *   node --import tsx scripts/paper/run.ts [--out runs/paper] [--records docs/paper-runs] [--lanes 2]
 *        [--table table1|table5|figure3|exact] [--config CONFIG,...] [--only NAME,...]
 *        [--test FILE ...] [--summary-only] [--dry-run]
 *
 * A row is a configuration over its seeds: `--table table1 --config rin-k3` reruns Table 1's RIN K=3
 * row (5 seeds); `--only star-rin-k3-s2` one run.
 *
 * The whole plan is 73 runs of 6-25 minutes on one core: plan it across sessions; any subset
 * (--table, --config, --only) can run at a time, and the summary shows what is there with its seed count.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { writeFileAtomic } from '../../src/core/atomic.ts';
import { CONFIGS, type DataSet, type PlanRun, TABLES, plan } from './plan.ts';
import { summarize } from './summary.ts';

const { values: v } = parseArgs({
  options: {
    out: { type: 'string', default: 'runs/paper' },
    records: { type: 'string', default: 'docs/paper-runs' },
    lanes: { type: 'string', default: '2' },
    only: { type: 'string' },
    config: { type: 'string' },
    table: { type: 'string' },
    test: { type: 'string', multiple: true, default: [] },
    'summary-only': { type: 'boolean' },
    'dry-run': { type: 'boolean' },
    data: { type: 'string', default: '../shared/data' },
  },
});
const root = join(import.meta.dirname, '../..');
const out = join(root, v.out!);
const records = join(root, v.records!);
const DATA: Record<DataSet, { train: string; dev: string }> = {
  star: { train: join(v.data!, 'webnlg-zeng/train.json.gz'), dev: join(v.data!, 'webnlg-zeng/valid.json.gz') },
  exact: { train: join(v.data!, 'webnlg-exact/train_triples.json.gz'), dev: join(v.data!, 'webnlg-exact/dev_triples.json.gz') },
};
/** As scripts/webnlg-star.sh: the paper's GloVe 100-d (subset), self pairs for last-word data, 30 epochs at most. */
const common = (d: DataSet) => [
  '--train',
  DATA[d].train,
  '--dev',
  DATA[d].dev,
  '--embeddings',
  join(v.data!, 'embeddings/glove.6B.100d.subset.txt.gz'),
  '--self-pairs',
  '--epochs',
  '30',
  '--patience',
  '5',
  '--threads',
  '1',
  '--no-progress',
];

/** A usage error: one line, exit 2. */
function fail(message: string): never {
  console.error(`paper/run.ts: ${message}`);
  process.exit(2);
}

function selected(): PlanRun[] {
  let runs = plan();
  if (v.table) {
    const t = TABLES[v.table as keyof typeof TABLES];
    if (!t) fail(`--table must be one of ${Object.keys(TABLES).join(', ')}`);
    runs = runs.filter((r) => r.data === t.data && t.configs.includes(r.config) && t.seeds.includes(r.seed));
  }
  if (v.config) {
    const configs = v.config.split(',');
    const unknown = configs.filter((c) => !(c in CONFIGS));
    if (unknown.length) fail(`--config: no configuration ${unknown.join(', ')}; the plan has ${Object.keys(CONFIGS).join(', ')}`);
    runs = runs.filter((r) => configs.includes(r.config));
  }
  if (v.only) {
    const names = new Set(v.only.split(','));
    runs = runs.filter((r) => names.has(r.name));
  }
  return runs;
}

/** node bin/rin.js ARGS, its output appended to `log`; resolves with the exit code. */
function rin(args: string[], log: string): Promise<number> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [join(root, 'bin/rin.js'), ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    p.stdout.on('data', (d) => chunks.push(d));
    p.stderr.on('data', (d) => writeFileSync(log, d, { flag: 'a' }));
    p.on('exit', (code) => {
      if (args[0] === 'eval') writeFileSync(`${log}.stdout`, Buffer.concat(chunks));
      resolve(code ?? 1);
    });
  });
}

async function runOne(r: PlanRun): Promise<void> {
  const dir = join(out, r.name);
  const record = join(records, `${r.name}.json`);
  if (existsSync(record)) return;
  mkdirSync(dir, { recursive: true });
  const log = join(dir, 'train.log');
  const resume = existsSync(join(dir, 'checkpoint', 'state.json'));
  const args = resume
    ? ['train', '--resume', '--train', DATA[r.data].train, '--dev', DATA[r.data].dev, '--out', dir, '--threads', '1', '--no-progress']
    : ['train', '--overwrite', '--preset', 'paper', ...common(r.data), ...r.args, '--out', dir];
  console.log(`${new Date().toISOString().slice(11, 19)} ${resume ? 'resume' : 'start '} ${r.name}`);
  if (v['dry-run']) return void console.log(`  node bin/rin.js ${args.join(' ')}`);
  if ((await rin(args, log)) !== 0) throw new Error(`${r.name}: training failed, see ${log}`);
  const scores: Record<string, unknown> = {};
  for (const [k, file] of [['dev', DATA[r.data].dev], ...v.test!.map((f, i) => [`test${i + 1}`, f])]) {
    const evalLog = join(dir, `eval-${k}.log`);
    if ((await rin(['eval', '--model', join(dir, 'model'), '--data', file, '--json', '--no-progress'], evalLog)) !== 0) throw new Error(`${r.name}: eval on ${file} failed, see ${evalLog}`);
    scores[k] = { file, scores: JSON.parse(readFileSync(`${evalLog}.stdout`, 'utf8')).scores };
  }
  const metrics = readFileSync(join(dir, 'metrics.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  const seconds = metrics.reduce((s: number, m: { seconds: number }) => s + m.seconds, 0);
  mkdirSync(records, { recursive: true });
  writeFileAtomic(record, `${JSON.stringify({ ...r, epochs: metrics.length, seconds, scores }, null, 2)}\n`);
  console.log(`${new Date().toISOString().slice(11, 19)} done   ${r.name}`);
}

if (!v['summary-only']) {
  const queue = selected();
  const lanes = Array.from({ length: Number(v.lanes) }, async () => {
    for (let r = queue.shift(); r; r = queue.shift()) await runOne(r);
  });
  await Promise.all(lanes);
}
if (!v['dry-run']) summarize(records, join(root, 'docs'));
