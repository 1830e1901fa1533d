/**
 * A decoding rule tried on saved predictions: two predicted entities that touch (one ends where
 * the next starts, "Umberto" + "Eco") are read as one, and the triples on the second keep the
 * merged span (triples on the first are dropped: it is no longer a last word). Prints exact-match
 * triple F1 with and without the rule, and the merged spans.
 *
 *   node bin/rin.js predict --model M --data DEV --out P.jsonl
 *   node --import tsx scripts/merge-adjacent.ts --gold DEV --pred P.jsonl
 *
 * The gold file is CasRel JSON (exact mentions); triples are compared by mention text, as
 * `rin eval` compares exact-match triples.
 */
import { parseArgs } from 'node:util';
import { readJson, readText } from '../src/core/files.ts';
import { prf } from '../src/eval/metrics.ts';

interface Span {
  text: string;
  start: number;
  end: number;
}
interface Prediction {
  text: string;
  entities: Span[];
  triples: { subject: Span; relation: string; object: Span }[];
}

const { values: v } = parseArgs({ options: { gold: { type: 'string' }, pred: { type: 'string' } } });
if (!v.gold || !v.pred) throw new Error('usage: scripts/merge-adjacent.ts --gold DEV --pred P.jsonl');
const gold = readJson(v.gold) as { triple_list: [string, string, string][] }[];
const pred = readText(v.pred)
  .split('\n')
  .filter((l) => l.trim())
  .map((l) => JSON.parse(l) as Prediction);
if (pred.length !== gold.length) throw new Error(`${v.pred}: ${pred.length} predictions for ${gold.length} gold records`);

const key = (e: Span) => `${e.start}-${e.end}`;

/** The record's triples as text keys, with touching entities merged when `merge`. */
function triplesOf(r: Prediction, merge: boolean, merged: string[]): Set<string> {
  const words = r.text.split(' ');
  const ents = [...r.entities].sort((a, b) => a.start - b.start);
  const remap = new Map<string, Span>();
  const dropped = new Set<string>();
  for (let k = 1; merge && k < ents.length; k++) {
    if (ents[k].start !== ents[k - 1].end) continue;
    const span = { start: ents[k - 1].start, end: ents[k].end, text: words.slice(ents[k - 1].start, ents[k].end).join(' ') };
    remap.set(key(ents[k]), span);
    dropped.add(key(ents[k - 1]));
    merged.push(span.text);
  }
  const out = new Set<string>();
  for (const t of r.triples) {
    if (dropped.has(key(t.subject)) || dropped.has(key(t.object))) continue;
    const s = remap.get(key(t.subject)) ?? t.subject;
    const o = remap.get(key(t.object)) ?? t.object;
    out.add(JSON.stringify([s.text, t.relation, o.text]));
  }
  return out;
}

for (const merge of [false, true]) {
  let correct = 0;
  let predicted = 0;
  let goldCount = 0;
  const merged: string[] = [];
  pred.forEach((r, k) => {
    const got = triplesOf(r, merge, merged);
    const want = new Set(gold[k].triple_list.map((t) => JSON.stringify(t)));
    predicted += got.size;
    goldCount += want.size;
    for (const t of got) if (want.has(t)) correct++;
  });
  const { f1 } = prf(correct, predicted, goldCount);
  console.log(`${merge ? 'touching entities merged' : 'as predicted'}: exact F1 ${(100 * f1).toFixed(2)} (${correct} of ${goldCount} gold, ${predicted} predicted)`);
  if (merge) console.log(`  ${merged.length} merged: ${merged.slice(0, 12).join(' | ')}${merged.length > 12 ? ' | ...' : ''}`);
}
