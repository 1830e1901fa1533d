/**
 * Pre-trained word vectors in the GloVe text format (`word v1 ... vd` per line), plain or .gz.
 * Only the vectors of wanted words are kept, so a large file costs little memory.
 */
import { readText } from './files.ts';
import { UserError } from './types.ts';

export interface Vectors {
  dim: number;
  vectors: Map<string, Float32Array>;
  /** Lines that could not be read (1-based numbers), reported, never silently skipped. */
  badLines: { line: number; message: string }[];
}

export function loadVectors(file: string, wanted: Set<string>): Vectors {
  const text = readText(file);
  const vectors = new Map<string, Float32Array>();
  const badLines: Vectors['badLines'] = [];
  let dim = 0;
  let start = 0;
  let line = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    line++;
    const row = text.slice(start, end).trimEnd();
    start = end + 1;
    if (!row) continue;
    const sp = row.indexOf(' ');
    if (sp <= 0) {
      badLines.push({ line, message: 'no vector after the word' });
      continue;
    }
    const word = row.slice(0, sp);
    const nums = row.slice(sp + 1).split(' ');
    if (!dim) {
      if (line === 1 && nums.length === 1) continue; // word2vec-style "count dim" header
      dim = nums.length;
    }
    if (nums.length !== dim) {
      badLines.push({ line, message: `${nums.length} values, expected ${dim}` });
      continue;
    }
    if (!wanted.has(word) || vectors.has(word)) continue;
    const v = new Float32Array(dim);
    let ok = true;
    for (let k = 0; k < dim; k++) {
      v[k] = Number(nums[k]);
      if (!Number.isFinite(v[k])) ok = false;
    }
    if (!ok) {
      badLines.push({ line, message: 'a value is not a number' });
      continue;
    }
    vectors.set(word, v);
  }
  if (!dim) throw new UserError(`${file}: no word vectors found`);
  if (badLines.length > line / 2) throw new UserError(`${file}: ${badLines.length} of ${line} lines are malformed (first: line ${badLines[0].line}, ${badLines[0].message}); is this a GloVe text file?`);
  return { dim, vectors, badLines };
}

/**
 * One row per vocabulary word: the word's vector, else its lowercase form's (GloVe is uncased),
 * else null (random init). Row 0 (<pad>) and 1 (<unk>) are left null.
 */
export function vocabVectors(words: string[], v: Vectors, lowercase: boolean): { rows: (Float32Array | null)[]; found: number } {
  let found = 0;
  const rows = words.map((w, i) => {
    if (i < 2) return null;
    const r = v.vectors.get(w) ?? (lowercase ? v.vectors.get(w.toLowerCase()) : undefined) ?? null;
    if (r) found++;
    return r;
  });
  return { rows, found };
}
