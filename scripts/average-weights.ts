/**
 * Average the weights of several saved models of one training run (e.g. its last epochs'
 * checkpoints): a try of weight averaging (Izmailov et al. 2018, "SWA") without retraining.
 * Every input must have the same config, vocabularies and weight layout (one run's snapshots do);
 * anything else is an error naming the directory that differs. The first input's model.json is
 * kept, with the new size and sha256 of weights.bin and `meta.training.averagedFrom`; the output
 * is written atomically and loads like any model.
 *
 * Usage: node --import tsx scripts/average-weights.ts --out DIR MODEL_DIR MODEL_DIR [...]
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { writeDirAtomic } from '../src/core/atomic.ts';
import { UserError } from '../src/core/errors.ts';
import { sha256 } from '../src/io/modelDir.ts';

interface Head {
  config: unknown;
  train: unknown;
  weights: unknown;
  weightsBytes?: number;
  weightsSha256?: string;
  meta: { training?: Record<string, unknown> };
}

/** The element-wise mean of the inputs' weights.bin, as a model directory at `out`. */
export function averageModels(dirs: string[], out: string): { weights: number } {
  if (dirs.length < 2) throw new UserError(`average-weights: give at least two model directories (got ${dirs.length})`);
  const read = (d: string) => ({ head: JSON.parse(readFileSync(join(d, 'model.json'), 'utf8')) as Head, vocab: readFileSync(join(d, 'vocab.json'), 'utf8') });
  const first = read(dirs[0]);
  const layout = JSON.stringify([first.head.config, first.head.weights]);
  const sum = new Float64Array(new Float32Array(readFileSync(join(dirs[0], 'weights.bin')).buffer.slice(0)));
  for (const d of dirs.slice(1)) {
    const m = read(d);
    if (JSON.stringify([m.head.config, m.head.weights]) !== layout) throw new UserError(`${d}: its config or weight layout differs from ${dirs[0]}'s: not a snapshot of the same run`);
    if (m.vocab !== first.vocab) throw new UserError(`${d}: its vocab.json differs from ${dirs[0]}'s: not a snapshot of the same run`);
    const w = new Float32Array(readFileSync(join(d, 'weights.bin')).buffer.slice(0));
    if (w.length !== sum.length) throw new UserError(`${d}: weights.bin has ${w.length} values, ${dirs[0]}'s ${sum.length}`);
    for (let i = 0; i < w.length; i++) sum[i] += w[i];
  }
  const mean = Float32Array.from(sum, (x) => x / dirs.length);
  const data = new Uint8Array(mean.buffer);
  const head = {
    ...first.head,
    meta: { ...first.head.meta, training: { ...first.head.meta.training, averagedFrom: dirs } },
    weightsBytes: data.byteLength,
    weightsSha256: sha256(data),
  };
  writeDirAtomic(out, { 'model.json': JSON.stringify(head, null, 2) + '\n', 'vocab.json': first.vocab, 'weights.bin': data });
  return { weights: mean.length };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values, positionals } = parseArgs({ options: { out: { type: 'string' } }, allowPositionals: true });
  try {
    if (!values.out) throw new UserError('average-weights: --out DIR is required');
    const { weights } = averageModels(positionals, values.out);
    console.log(`${values.out}: the mean of ${positionals.length} models (${weights} weights)`);
  } catch (e) {
    if (!(e instanceof UserError)) throw e;
    console.error(e.message);
    process.exit(2);
  }
}
