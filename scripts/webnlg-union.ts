/**
 * The training data of the shipped default model: webnlg-more train (WebNLG 3.0, 16 categories,
 * whole-name mentions) plus the webnlg-exact train texts it lacks, deduplicated by normalised
 * text (lowercase, [a-z0-9] only). webnlg-exact's 2017 relation names that WebNLG 3.0 merged
 * into another name are mapped to the 3.0 name, in its train texts and in the dev sets named the
 * 2017 way (webnlg-exact dev, wild-dev), which this script writes mapped beside the union.
 * For a text in both corpora, webnlg-more's annotation is kept: the report counts the evidence.
 * Usage: node --import tsx scripts/webnlg-union.ts [--out DIR]   (default .data/webnlg-union)
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { writeFileAtomic } from '../src/core/atomic.ts';
import { readJson } from '../src/core/files.ts';

type Triple = [string, string, string];
interface CasrelRecord {
  text: string;
  triple_list: Triple[];
}

/** The 11 merges of WebNLG 3.0 (shared/data/webnlg-more/README.md, "Relation names"): 2017 → 3.0. */
const MERGED_2017_TO_30: Record<string, string> = {
  leaderName: 'leader',
  placeOfBirth: 'birthPlace',
  placeOfDeath: 'deathPlace',
  locationCity: 'city',
  languages: 'language',
  ethnicGroups: 'ethnicGroup',
  affiliations: 'affiliation',
  headquarters: 'headquarter',
  fullname: 'fullName',
  hometown: 'origin',
  administrativeCounty: 'isPartOf',
};

const DATA = process.env.DATA ?? new URL('../../shared/data', import.meta.url).pathname;
const { values } = parseArgs({ options: { out: { type: 'string', default: '.data/webnlg-union' } } });
const out = values.out!;

const read = (file: string) => readJson(join(DATA, file)) as CasrelRecord[];
const key = (text: string) => text.toLowerCase().replace(/[^a-z0-9]/g, '');
const mapRecord = (r: CasrelRecord): CasrelRecord => ({ text: r.text, triple_list: r.triple_list.map(([s, p, o]) => [s, MERGED_2017_TO_30[p] ?? p, o]) });
const tripleCount = (rs: CasrelRecord[]) => rs.reduce((n, r) => n + r.triple_list.length, 0);

const more = read('webnlg-more/train.json.gz');
const exact = read('webnlg-exact/train_triples.json.gz');
const moreByKey = new Map(more.map((r) => [key(r.text), r]));
const exactOnly = exact.filter((r) => !moreByKey.has(key(r.text))).map(mapRecord);
const union = [...more, ...exactOnly];

// Evidence for keeping webnlg-more's annotation of a shared text: how often one corpus's mention
// of the same fact (same relation, the other argument equal) is a strict part of the other's
// ("1 . FC" inside "1 . FC Köln").
let exactCut = 0,
  moreCut = 0,
  sameTriples = 0,
  shared = 0;
const within = (a: string, b: string) => a !== b && ` ${b} `.includes(` ${a} `);
for (const e of exact) {
  const m = moreByKey.get(key(e.text));
  if (!m) continue;
  shared++;
  const mapped = mapRecord(e).triple_list;
  const set = (ts: Triple[]) => new Set(ts.map((t) => t.join('\u0001')));
  const [a, b] = [set(mapped), set(m.triple_list)];
  if (a.size === b.size && [...a].every((t) => b.has(t))) sameTriples++;
  for (const [s, p, o] of mapped)
    for (const [s2, p2, o2] of m.triple_list) {
      if (p !== p2) continue;
      if (o === o2) {
        if (within(s, s2)) exactCut++;
        else if (within(s2, s)) moreCut++;
      } else if (s === s2) {
        if (within(o, o2)) exactCut++;
        else if (within(o2, o)) moreCut++;
      }
    }
}

const rel2id = [...new Set([...Object.values((readJson(join(DATA, 'webnlg-more/rel2id.json')) as [Record<string, string>])[0]), ...union.flatMap((r) => r.triple_list.map((t) => t[1]))])].sort();
const rel2idJson = JSON.stringify([Object.fromEntries(rel2id.map((r, k) => [String(k), r])), Object.fromEntries(rel2id.map((r, k) => [r, k]))]);
// gzip output carries no name or time, so the bytes depend only on the data.
const gz = (x: unknown) => gzipSync(JSON.stringify(x), { level: 9 });
const write = (dir: string, name: string, records: CasrelRecord[]) => {
  mkdirSync(join(out, dir), { recursive: true });
  writeFileAtomic(join(out, dir, name), gz(records));
  writeFileAtomic(join(out, dir, 'rel2id.json'), rel2idJson); // the loader reads it beside the data
};
write('train', 'train.json.gz', union);
write('webnlg-exact-dev', 'dev.json.gz', read('webnlg-exact/dev_triples.json.gz').map(mapRecord));
write('wild-dev', 'dev.json.gz', read('wild-dev/dev.json.gz').map(mapRecord));

const report = `# webnlg-union: the default model's training data

Made by \`node --import tsx scripts/webnlg-union.ts\` (the same bytes every run).

| file | texts | triples |
|---|---:|---:|
| \`train/train.json.gz\`: webnlg-more train + the webnlg-exact train texts it lacks | ${union.length} | ${tripleCount(union)} |
| — from webnlg-more train | ${more.length} | ${tripleCount(more)} |
| — from webnlg-exact train (not in webnlg-more by normalised text) | ${exactOnly.length} | ${tripleCount(exactOnly)} |
| \`webnlg-exact-dev/dev.json.gz\`: webnlg-exact dev, 2017 names mapped | | |
| \`wild-dev/dev.json.gz\`: wild-dev, 2017 names mapped | | |

* Texts in both train sets: ${shared}; ${sameTriples} of them have the same triples after the mapping. For those texts
  webnlg-more's annotation is kept: of the mentions of one fact that differ only in length, webnlg-exact's is the
  cut one ${exactCut} times ("1 . FC" for "1 . FC Köln") and webnlg-more's ${moreCut} times.
* 2017 names mapped to the WebNLG 3.0 name that merged them: ${Object.entries(MERGED_2017_TO_30)
  .map(([a, b]) => `${a} → ${b}`)
  .join(', ')}.
* \`rel2id.json\` (beside each file): the ${rel2id.length} relations of webnlg-more and of the mapped webnlg-exact train, sorted.
* Licence: CC BY-NC-SA 4.0 (WebNLG).
`;
writeFileAtomic(join(out, 'README.md'), report);
process.stdout.write(report);
