/**
 * Sentence → ids and gold labels: word and POS ids, BIESO tags (Eq. 12 targets) and the gold
 * relation cells (i, t, j) on the last words of subject and object (Eq. 13 targets).
 */
import type { Cell, EncodedSentence } from '../core/types.ts';
import { posTags } from './pos.ts';
import { type Entity, type Sentence, type SpanKind, sentenceEntities } from '../core/types.ts';
import { Index, type Vocabs, entityTypesOf, tagId, wordId } from './vocab.ts';
import { charIds, shapeBits } from './wordFeatures.ts';
import type { SubwordRows } from './subword.ts';

/** POS tags that may sit inside a name or noun phrase ending at an annotated head word. */
const NP_TAGS = new Set(['NNP', 'NNPS', 'NN', 'NNS', 'JJ', 'CD', 'FW', 'POS', 'HYPH']);

export interface EncodeOptions {
  spans: SpanKind;
  /** For 'head' data: tag the head alone (S) or extend it left over a noun phrase (see TrainConfig). */
  partialNer: 'head' | 'chunk';
  selfPairs: boolean;
}

/** Counts of what encoding had to leave out, so nothing is dropped silently. */
export interface EncodeStats {
  /** Gold triples relating a word to itself (w = w'), not representable unless selfPairs. */
  selfPairs: number;
  /** Gold triples whose relation the model does not know. */
  unknownRelations: Map<string, number>;
  /** Entities not tagged because they overlap a longer one (BIESO cannot nest). */
  overlapping: number;
  /** Entities not tagged because the model does not know their type (or they have none in typed data). */
  unknownTypes: Map<string, number>;
}

export function newStats(): EncodeStats {
  return { selfPairs: 0, unknownRelations: new Map(), overlapping: 0, unknownTypes: new Map() };
}

/** What the encoder needs of an open vocabulary's pre-trained table (features/vectorTable.ts). */
export interface WordLookup {
  /** Row of a word (exact, else lowercase), -1 when the table has no vector for it. */
  lookup(word: string): number;
}

export class Encoder {
  readonly words: Index;
  readonly pos: Index;
  readonly rel: Index;
  readonly chars?: Map<string, number>;
  /** Entity type → index, empty for an untyped model. */
  readonly types: Map<string, number>;
  /**
   * @param table the pre-trained table of an open-vocabulary model (absent: closed vocabulary).
   * @param shapes also compute word-shape features (models with shapeFeatures).
   * @param subword the prepared subword features of a model with a subword encoder.
   */
  constructor(
    readonly vocabs: Vocabs,
    readonly table?: WordLookup,
    readonly shapes = false,
    readonly subword?: SubwordRows,
  ) {
    this.types = new Map(entityTypesOf(vocabs.ner).map((t, k) => [t, k]));
    this.words = new Index(vocabs.words);
    this.pos = new Index(vocabs.pos);
    this.rel = new Index(vocabs.relations);
    if (vocabs.chars) this.chars = new Map(vocabs.chars.map((c, k) => [c, k]));
  }

  /** Entity spans used to supervise NER, resolved so that none overlap. */
  entitySpans(s: Sentence, tags: string[], opts: EncodeOptions, stats: EncodeStats): Entity[] {
    const uniq = new Map<string, Entity>();
    for (const sp of sentenceEntities(s)) {
      let span: Entity = sp;
      if (opts.spans === 'head' && opts.partialNer === 'chunk') {
        let start = sp.end - 1;
        while (start > 0 && NP_TAGS.has(tags[start - 1]) && NP_TAGS.has(tags[sp.end - 1])) start--;
        span = { start, end: sp.end, type: sp.type };
      }
      const key = `${span.start}:${span.end}`;
      if (!uniq.has(key)) uniq.set(key, span); // the entity list comes first and has the types
    }
    // Longer spans first; a span overlapping one already taken is left untagged (and counted).
    const sorted = [...uniq.values()].sort((a, b) => b.end - b.start - (a.end - a.start) || a.start - b.start);
    const used = new Uint8Array(s.tokens.length);
    const out: Entity[] = [];
    for (const sp of sorted) {
      let free = true;
      for (let k = sp.start; k < sp.end; k++) if (used[k]) free = false;
      if (!free) {
        stats.overlapping++;
        continue;
      }
      for (let k = sp.start; k < sp.end; k++) used[k] = 1;
      out.push(sp);
    }
    return out.sort((a, b) => a.start - b.start);
  }

  /** Ids only (for prediction), plus the POS tags it computed. */
  encodeInput(s: Sentence): { enc: EncodedSentence; tags: string[] } {
    const tags = posTags(s.tokens);
    const enc: EncodedSentence = { words: [], pos: tags.map((p) => this.pos.get(p) ?? 1), ...(this.shapes ? { shape: s.tokens.map(shapeBits) } : {}) };
    if (this.table) {
      // Open vocabulary: every word keeps its pre-trained vector; the id picks its trained
      // correction, 0 (none) for a word the table knows, 1 (<unk>) for a word nothing knows.
      enc.vec = s.tokens.map((w) => this.table!.lookup(w));
      enc.words = s.tokens.map((w, i) => wordId(this.words, w, enc.vec![i] >= 0 ? 0 : 1));
    } else enc.words = s.tokens.map((w) => wordId(this.words, w));
    if (this.chars) enc.chars = s.tokens.map((w) => charIds(w, this.chars!));
    if (this.subword) enc.sub = this.subword.rows(s.tokens);
    return { enc, tags };
  }

  /** Ids and gold labels (for training and evaluation). */
  encode(s: Sentence, opts: EncodeOptions, stats: EncodeStats): EncodedSentence {
    const { enc, tags } = this.encodeInput(s);
    const ner = new Array<number>(s.tokens.length).fill(0); // O
    for (const sp of this.entitySpans(s, tags, opts, stats)) {
      // Untyped models have one implicit type (index 0); typed ones need a known type.
      const ty = this.types.size ? this.types.get(sp.type ?? '') : 0;
      if (ty === undefined) {
        stats.unknownTypes.set(sp.type ?? '(none)', (stats.unknownTypes.get(sp.type ?? '(none)') ?? 0) + 1);
        continue;
      }
      if (sp.end - sp.start === 1) ner[sp.start] = tagId('S', ty);
      else {
        ner[sp.start] = tagId('B', ty);
        for (let k = sp.start + 1; k < sp.end - 1; k++) ner[k] = tagId('I', ty);
        ner[sp.end - 1] = tagId('E', ty);
      }
    }
    const cells: Cell[] = [];
    for (const t of s.triples) {
      const r = this.rel.get(t.relation);
      if (r === undefined) {
        stats.unknownRelations.set(t.relation, (stats.unknownRelations.get(t.relation) ?? 0) + 1);
        continue;
      }
      const i = t.subject.end - 1;
      const j = t.object.end - 1;
      if (i === j && !opts.selfPairs) {
        stats.selfPairs++;
        continue;
      }
      cells.push({ i, t: r, j });
    }
    return { ...enc, ner, cells };
  }
}

const encoders = new WeakMap<Vocabs, Encoder>();

/**
 * One Encoder per vocabulary object: building its word index costs more than a short sentence's
 * forward pass. A model's vocabulary, table and inputs never change, so the vocabulary is the
 * key (a call with another table or shape setting gets a new encoder, never a wrong one).
 */
export function encoderFor(v: Vocabs, table?: WordLookup, shapes = false, subword?: SubwordRows): Encoder {
  let e = encoders.get(v);
  if (!e || e.table !== table || e.shapes !== shapes || e.subword !== subword) encoders.set(v, (e = new Encoder(v, table, shapes, subword)));
  return e;
}

/** Human-readable lines for what encoding left out. */
export function describeStats(st: EncodeStats, what: string): string[] {
  const out: string[] = [];
  if (st.selfPairs) out.push(`${what}: ${st.selfPairs} gold triples relate a word to itself (w = w'); the model cannot represent them (selfPairs is off)`);
  const unk = [...st.unknownRelations].reduce((a, [, c]) => a + c, 0);
  if (unk)
    out.push(
      `${what}: ${unk} gold triples have a relation the model does not know (${[...st.unknownRelations.keys()].slice(0, 5).join(', ')}${st.unknownRelations.size > 5 ? ', ...' : ''}); they count as missed`,
    );
  const unkT = [...st.unknownTypes].reduce((a, [, c]) => a + c, 0);
  if (unkT) out.push(`${what}: ${unkT} entities have a type the model does not know (${[...st.unknownTypes.keys()].slice(0, 5).join(', ')}); they are not NER-tagged`);
  if (st.overlapping) out.push(`${what}: ${st.overlapping} entity spans overlap a longer one and are not NER-tagged (BIESO cannot nest)`);
  return out;
}
