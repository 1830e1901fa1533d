/**
 * Sentence fusion, an offline augmentation for news-style text: WebNLG texts state one fact a
 * sentence ("Alan Bean was born in Wheeler , Texas . He was a crew member of Apollo 12 ."), news
 * text folds them into one ("Alan Bean , who was born in Wheeler , Texas , was a crew member of
 * Apollo 12 ."), and the default model reads 19% of wild-dev's news-style triples
 * (docs/read-ordinary-text.md). For each text whose first sentence starts with a mention X and
 * whose second starts with a pronoun (He, She, They → who; It → which), this writes a fused copy
 * with the same triples: "X , who VP1 , VP2 ...", or the apposition "X , a NP , VP2 ..." when the
 * first sentence is "X is/was a/an/the NP". A text is fused only when every triple between its
 * two sentences has X as its first-sentence side, so the pronoun is X and the triples stay true.
 *
 *   node --import tsx scripts/fuse-sentences.ts --in TRAIN.json.gz --out OUT.json.gz
 *
 * OUT holds every record of TRAIN, then the fused copies; rel2id.json is copied beside it.
 */
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { writeFileAtomic } from '../src/core/atomic.ts';
import { readJson } from '../src/core/files.ts';

type Triple = [string, string, string];
interface CasrelRecord {
  text: string;
  triple_list: Triple[];
}

const RELATIVE: Record<string, string> = { He: 'who', She: 'who', They: 'who', It: 'which' };

/** Where the word sequence `m` first occurs in `toks`, or -1. */
function indexOf(toks: string[], m: string[]): number {
  for (let i = 0; i + m.length <= toks.length; i++) if (m.every((w, k) => toks[i + k] === w)) return i;
  return -1;
}

/** The fused text of a record, or why it has none. */
export function fuse(r: CasrelRecord): { text: string } | { skip: string } {
  const toks = r.text.split(' ');
  const end1 = toks.indexOf('.');
  const pronoun = toks[end1 + 1];
  if (end1 < 0 || !(pronoun in RELATIVE)) return { skip: 'not "X ... . He/She/It/They ..."' };
  const mentions = [...new Set(r.triple_list.flatMap((t) => [t[0], t[2]]))];
  const x = mentions.filter((m) => indexOf(toks, m.split(' ')) === 0).sort((a, b) => b.length - a.length)[0];
  if (!x) return { skip: 'the text does not start with a mention' };
  const rest = toks.indexOf('.', end1 + 1);
  const end2 = rest < 0 ? toks.length : rest;
  /** 1 or 2: the sentence a mention first occurs in; 0 beyond the second or absent. */
  const sentence = (m: string) => {
    const at = indexOf(toks, m.split(' '));
    return at < 0 ? 0 : at < end1 ? 1 : at < end2 ? 2 : 0;
  };
  let linked = false;
  for (const [s, , o] of r.triple_list) {
    const [a, b] = [sentence(s), sentence(o)];
    if (!((a === 1 && b === 2) || (a === 2 && b === 1))) continue;
    if ((a === 1 ? s : o) !== x) return { skip: 'a triple links the second sentence to another mention than X' };
    linked = true;
  }
  if (!linked) return { skip: 'no triple links the second sentence to X' };
  const xLen = x.split(' ').length;
  const vp1 = toks.slice(xLen, end1);
  const apposition = vp1.length >= 2 && (vp1[0] === 'is' || vp1[0] === 'was') && ['a', 'an', 'the'].includes(vp1[1]);
  const inner = apposition ? vp1.slice(1) : [RELATIVE[pronoun], ...vp1];
  return { text: [...toks.slice(0, xLen), ',', ...inner, ',', ...toks.slice(end1 + 2)].join(' ') };
}

// Run as a script (the test imports fuse() alone).
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values: v } = parseArgs({ options: { in: { type: 'string' }, out: { type: 'string' } } });
  if (!v.in || !v.out) throw new Error('usage: scripts/fuse-sentences.ts --in TRAIN.json.gz --out OUT.json.gz');
  const records = readJson(v.in) as CasrelRecord[];
  const skipped = new Map<string, number>();
  const fused: CasrelRecord[] = [];
  for (const r of records) {
    const f = fuse(r);
    if ('text' in f) fused.push({ text: f.text, triple_list: r.triple_list });
    else skipped.set(f.skip, (skipped.get(f.skip) ?? 0) + 1);
  }
  mkdirSync(dirname(v.out), { recursive: true });
  writeFileAtomic(v.out, gzipSync(JSON.stringify([...records, ...fused]), { level: 9 }));
  const rel2id = join(dirname(v.in), 'rel2id.json');
  if (existsSync(rel2id)) copyFileSync(rel2id, join(dirname(v.out), 'rel2id.json'));
  console.log(`${v.out}: ${records.length} records, then ${fused.length} fused copies`);
  for (const [why, n] of skipped) console.log(`  not fused, ${why}: ${n}`);
}
