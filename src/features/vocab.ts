/**
 * Vocabularies: words, POS tags, NER tags and relations, each an id ↔ string list.
 * Word lookup falls back from the exact word to its lowercase form to <unk>, so a word seen
 * only in another case still gets its vector.
 */
import type { Sentence } from '../core/types.ts';
import { charVocab } from './wordFeatures.ts';

export const PAD = '<pad>';
export const UNK = '<unk>';

/** The paper's untyped BIESO tags (§4.2), in the order of the official code's `bio` map. */
export const NER_TAGS = ['O', 'B', 'I', 'E', 'S'] as const;

const PREFIXES = ['B', 'I', 'E', 'S'] as const;
export type Prefix = (typeof PREFIXES)[number];

/**
 * NER tags: untyped data keeps the paper's O B I E S; typed data gets O then B/I/E/S for each
 * type ("B-Drug", "I-Drug", ...). Both follow one layout, id = 1 + 4·typeIndex + prefix, so
 * untyped data is simply the one-type case and keeps its ids.
 */
export function nerTags(entityTypes?: string[]): string[] {
  if (!entityTypes?.length) return [...NER_TAGS];
  return ['O', ...entityTypes.flatMap((t) => PREFIXES.map((p) => `${p}-${t}`))];
}

export function tagId(prefix: Prefix, typeIndex: number): number {
  return 1 + 4 * typeIndex + PREFIXES.indexOf(prefix);
}

/** Tag id → prefix and type index (id 0 is O). */
export function tagParts(id: number): { prefix: Prefix | 'O'; typeIndex: number } {
  return id === 0 ? { prefix: 'O', typeIndex: -1 } : { prefix: PREFIXES[(id - 1) % 4], typeIndex: Math.floor((id - 1) / 4) };
}

/** The entity types of a tag list (empty for the untyped tags). */
export function entityTypesOf(ner: string[]): string[] {
  return ner.length > NER_TAGS.length || ner.some((t) => t.includes('-'))
    ? ner
        .slice(1)
        .filter((_, k) => k % 4 === 0)
        .map((t) => t.slice(2))
    : [];
}

export interface Vocabs {
  /** Closed vocabulary: every training word. Open vocabulary: the training words that get a trained correction (model/config.ts wordInput). */
  words: string[];
  pos: string[];
  ner: string[];
  relations: string[];
  /** Characters of the char CNN (absent: the model reads no characters). */
  chars?: string[];
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

/** A word's id: the word, else its lowercase form, else `unknown` (default <unk>). */
export function wordId(index: Index, w: string, unknown = 1): number {
  return index.get(w) ?? index.get(w.toLowerCase()) ?? unknown;
}

/**
 * Build vocabularies from training sentences. Words are kept as written (case is a strong cue
 * for names); relations in the data's own inventory order, restricted to those that occur in
 * training (a relation never seen in training cannot be learnt). Entity types, when the data
 * has them, make the NER tags typed (nerTags).
 */
export interface VocabOptions {
  /** The data's relation inventory (its order is kept). */
  inventory?: string[];
  entityTypes?: string[];
  /** Keep only words seen at least this often (1: every training word). */
  minWordCount?: number;
  /** Also build the character vocabulary. */
  chars?: boolean;
}

export function buildVocabs(train: Sentence[], posOf: (s: Sentence) => string[], o: VocabOptions = {}): Vocabs {
  const words = new Map<string, number>();
  const pos = new Set<string>();
  const rels = new Set<string>();
  for (const s of train) {
    for (const w of s.tokens) words.set(w, (words.get(w) ?? 0) + 1);
    for (const p of posOf(s)) pos.add(p);
    for (const t of s.triples) rels.add(t.relation);
  }
  const ordered = o.inventory ? o.inventory.filter((r) => rels.has(r)) : [];
  const rest = [...rels].filter((r) => !ordered.includes(r)).sort();
  const kept = [...words].filter(([, c]) => c >= (o.minWordCount ?? 1)).map(([w]) => w);
  return {
    words: [PAD, UNK, ...kept.sort()],
    pos: [PAD, UNK, ...[...pos].sort()],
    ner: nerTags(o.entityTypes),
    relations: [...ordered, ...rest],
    ...(o.chars ? { chars: charVocab(train.flatMap((s) => s.tokens)) } : {}),
  };
}
