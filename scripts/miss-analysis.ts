/**
 * Where a model's recall goes on a dev set: each gold triple is found, or missed with both its
 * mentions predicted as entities (the relation cell said no, or named another relation), with one
 * of them missed, or with both missed; and the score the model gave the gold triple (read from
 * predictions made at a low threshold). With --styles (wild-dev's dev_raw.jsonl, one {"style"} a
 * record, in the same order), recall by style.
 *
 *   node bin/rin.js predict --model M --data DEV --threshold 0.05 --out P.jsonl
 *   node --import tsx scripts/miss-analysis.ts --gold DEV --pred P.jsonl [--threshold 0.5] [--styles RAW.jsonl]
 *
 * The gold file is CasRel JSON (exact mentions); triples are compared by mention text, as
 * `rin eval` compares exact-match triples.
 */
import { parseArgs } from 'node:util';
import { readJson, readText } from '../src/core/files.ts';

type Triple = [string, string, string];
interface Prediction {
  entities: { text: string }[];
  triples: { subject: { text: string }; relation: string; object: { text: string }; score: number }[];
}

const { values: v } = parseArgs({
  options: { gold: { type: 'string' }, pred: { type: 'string' }, threshold: { type: 'string', default: '0.5' }, styles: { type: 'string' } },
});
if (!v.gold || !v.pred) throw new Error('usage: scripts/miss-analysis.ts --gold DEV --pred P.jsonl [--threshold 0.5] [--styles RAW.jsonl]');
const threshold = Number(v.threshold);
const gold = readJson(v.gold) as { triple_list: Triple[] }[];
const lines = (file: string) =>
  readText(file)
    .split('\n')
    .filter((l) => l.trim());
const pred = lines(v.pred).map((l) => JSON.parse(l) as Prediction);
const styles = v.styles ? lines(v.styles).map((l) => (JSON.parse(l) as { style: string }).style) : [];
if (pred.length !== gold.length) throw new Error(`${v.pred}: ${pred.length} predictions for ${gold.length} gold records`);

const count = new Map<string, number>();
const add = (k: string) => count.set(k, (count.get(k) ?? 0) + 1);
const key = (s: string, r: string, o: string) => JSON.stringify([s, r, o]);
const band = (x: number) => (x >= 0.5 ? '≥ 0.5' : x >= 0.3 ? '0.3-0.5' : x >= 0.1 ? '0.1-0.3' : x >= 0.05 ? '0.05-0.1' : '< 0.05 (or a mention not an entity)');
gold.forEach((g, i) => {
  const p = pred[i];
  const entities = new Set(p.entities.map((e) => e.text));
  // The best score of a triple (one text can be mentioned at several places).
  const scores = new Map<string, number>();
  for (const t of p.triples) {
    const k = key(t.subject.text, t.relation, t.object.text);
    scores.set(k, Math.max(t.score, scores.get(k) ?? 0));
  }
  const found = (k: string) => (scores.get(k) ?? 0) >= threshold;
  for (const [s, r, o] of g.triple_list) {
    const k = key(s, r, o);
    add(`score ${band(scores.get(k) ?? 0)}`);
    if (styles[i]) add(`${styles[i]}: gold`);
    if (found(k)) {
      add('found');
      if (styles[i]) add(`${styles[i]}: found`);
    } else if (entities.has(s) && entities.has(o)) {
      const other = p.triples.some((t) => t.subject.text === s && t.object.text === o && t.relation !== r && t.score >= threshold);
      add(other ? 'missed: both entities found, another relation named' : 'missed: both entities found, no relation');
    } else add(entities.has(s) || entities.has(o) ? 'missed: one entity missed' : 'missed: both entities missed');
  }
});
const total = gold.reduce((n, g) => n + g.triple_list.length, 0);
console.log(`${total} gold triples, threshold ${threshold}`);
for (const [k, n] of [...count].filter(([k]) => !/: (gold|found)$/.test(k)).sort()) console.log(`  ${k}: ${n} (${((100 * n) / total).toFixed(1)}%)`);
for (const s of new Set(styles)) {
  const g = count.get(`${s}: gold`) ?? 0;
  console.log(`  recall, style ${s}: ${(((count.get(`${s}: found`) ?? 0) / Math.max(g, 1)) * 100).toFixed(1)}% of ${g}`);
}
