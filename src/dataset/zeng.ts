/**
 * Zeng et al. (2018)'s id format (CopyRE): `[sentences, triples]`, each sentence a list of word
 * ids, each triple list flat `[s_pos, o_pos, rel_id, ...]` with the position of the LAST word
 * of each entity. Needs `words2id.json[.gz]` and `relations2id.json` beside the split.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { readJson } from '../core/files.ts';
import type { Problem, Sentence, Triple } from '../core/types.ts';
import { UserError } from '../core/errors.ts';

export function isZeng(data: unknown): boolean {
  return (
    Array.isArray(data) &&
    data.length === 2 &&
    Array.isArray(data[0]) &&
    Array.isArray(data[1]) &&
    (data[0].length === 0 || (Array.isArray(data[0][0]) && (data[0][0].length === 0 || typeof data[0][0][0] === 'number')))
  );
}

function besideFile(file: string, name: string): string {
  for (const f of [join(dirname(file), name), join(dirname(file), name + '.gz')]) if (existsSync(f)) return f;
  throw new UserError(`${file}: Zeng id format needs ${name} (or ${name}.gz) in the same folder`);
}

function invert(file: string, data: unknown): Map<number, string> {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) throw new UserError(`${file}: expected an object {name: id}`);
  const m = new Map<number, string>();
  for (const [k, v] of Object.entries(data)) if (typeof v === 'number') m.set(v, k);
  return m;
}

export function parseZeng(file: string, data: unknown[], problems: Problem[]): { sentences: (Sentence | null)[]; relations: string[] } {
  const wordsFile = besideFile(file, 'words2id.json');
  const relFile = besideFile(file, 'relations2id.json');
  const id2word = invert(wordsFile, readJson(wordsFile));
  const id2rel = invert(relFile, readJson(relFile));
  const [sents, trips] = data as [unknown[], unknown[]];
  if (sents.length !== trips.length) throw new UserError(`${file}: ${sents.length} sentences but ${trips.length} triple lists`);
  const sentences = sents.map((ids, r): Sentence | null => {
    const bad = (message: string): null => {
      problems.push({ file, record: r, message, action: 'skipped' });
      return null;
    };
    if (!Array.isArray(ids) || !ids.every((x) => Number.isInteger(x))) return bad('sentence is not a list of word ids');
    if (!ids.length) return bad('empty sentence');
    const tokens: string[] = [];
    for (const id of ids as number[]) {
      const w = id2word.get(id);
      if (w === undefined) return bad(`word id ${id} is not in ${wordsFile}`);
      tokens.push(w);
    }
    const flat = trips[r];
    if (!Array.isArray(flat) || flat.length % 3 !== 0) return bad('triple list is not a flat list of (s_pos, o_pos, rel_id)');
    const triples: Triple[] = [];
    const seen = new Set<string>();
    for (let k = 0; k < flat.length; k += 3) {
      const [s, o, rid] = flat.slice(k, k + 3) as number[];
      const drop = (m: string) => problems.push({ file, record: r, message: `triple ${k / 3}: ${m}; triple left out`, action: 'kept' });
      const rel = id2rel.get(rid);
      if (rel === undefined || rel === 'None') {
        drop(`relation id ${rid} is not in ${relFile}`);
        continue;
      }
      if (!(s >= 0 && s < tokens.length && o >= 0 && o < tokens.length)) {
        drop(`position out of the sentence (length ${tokens.length})`);
        continue;
      }
      const key = `${s} ${rid} ${o}`;
      if (seen.has(key)) continue; // Zeng's files repeat some triples; a set of triples is what is scored
      seen.add(key);
      triples.push({ subject: { start: s, end: s + 1 }, relation: rel, object: { start: o, end: o + 1 } });
    }
    return { tokens, triples, source: { file, record: r } };
  });
  const relations = [...id2rel.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([, v]) => v)
    .filter((v) => v !== 'None');
  return { sentences, relations };
}
