/**
 * Vocabularies: words, POS tags, NER tags and relations, each an id ↔ string list.
 * Word lookup falls back from the exact word to its lowercase form to <unk>, so a word seen
 * only in another case still gets its vector.
 */
import type { Sentence } from './types.ts';

export const PAD = '<pad>';
export const UNK = '<unk>';

/** The paper's untyped BIESO tags (§4.2), in the order of the official code's `bio` map. */
export const NER_TAGS = ['O', 'B', 'I', 'E', 'S'] as const;

export interface Vocabs {
  words: string[];
  pos: string[];
  ner: string[];
  relations: string[];
}

export class Index {
  readonly map: Map<string, number>;
  constructor(readonly list: string[]) {
    this.map = new Map(list.map((w, i) => [w, i]));
  }
  get(w: string): number | undefined {
    return this.map.get(w);
  }
}

export function wordId(index: Index, w: string): number {
  return index.get(w) ?? index.get(w.toLowerCase()) ?? 1;
}

/**
 * Build vocabularies from training sentences. Words are kept as written (case is a strong cue
 * for names); relations in the data's own inventory order, restricted to those that occur in
 * training (a relation never seen in training cannot be learnt).
 */
export function buildVocabs(train: Sentence[], posOf: (s: Sentence) => string[], inventory?: string[]): Vocabs {
  const words = new Set<string>();
  const pos = new Set<string>();
  const rels = new Set<string>();
  for (const s of train) {
    for (const w of s.tokens) words.add(w);
    for (const p of posOf(s)) pos.add(p);
    for (const t of s.triples) rels.add(t.relation);
  }
  const ordered = inventory ? inventory.filter((r) => rels.has(r)) : [];
  const rest = [...rels].filter((r) => !ordered.includes(r)).sort();
  return {
    words: [PAD, UNK, ...[...words].sort()],
    pos: [PAD, UNK, ...[...pos].sort()],
    ner: [...NER_TAGS],
    relations: [...ordered, ...rest],
  };
}
