/**
 * Hold out part of a JSON-array training file as a development set (seeded shuffle), for data
 * that comes without one (ADE's 10 folds): early stopping then never sees the test fold.
 * Usage: node --import tsx scripts/split-dev.ts IN OUT_TRAIN OUT_DEV [fraction=0.1] [seed=1]
 */
import { writeFileSync } from 'node:fs';
import { readJson } from '../src/core/files.ts';
import { Rng } from '../src/engine/rng.ts';

const [input, outTrain, outDev, fraction = '0.1', seed = '1'] = process.argv.slice(2);
if (!outDev) throw new Error('usage: split-dev.ts IN OUT_TRAIN OUT_DEV [fraction] [seed]');
const data = readJson(input) as unknown[];
const order = data.map((_, k) => k);
const rng = new Rng(Number(seed));
for (let k = order.length - 1; k > 0; k--) {
  const j = Math.floor(rng.next() * (k + 1));
  [order[k], order[j]] = [order[j], order[k]];
}
const nDev = Math.round(data.length * Number(fraction));
const dev = new Set(order.slice(0, nDev));
writeFileSync(outTrain, JSON.stringify(data.filter((_, k) => !dev.has(k))));
writeFileSync(outDev, JSON.stringify(data.filter((_, k) => dev.has(k))));
console.log(`${input}: ${data.length - nDev} train, ${nDev} dev`);
