/** The data model every reader produces and every later stage consumes. */

/** A run of tokens [start, end), end exclusive. */
export interface Span {
  start: number;
  end: number;
}

/** An entity mention: a span of tokens, with its type when the data has entity types. */
export interface Entity extends Span {
  /** Entity type (e.g. "Drug"); absent in untyped data (NYT, WebNLG). */
  type?: string;
}

/** Do two entities share a token (nested or crossing)? BIESO tags cannot represent both. */
export const overlaps = (a: Span, b: Span): boolean => a.start < b.end && b.start < a.end;

export interface Triple {
  subject: Entity;
  relation: string;
  object: Entity;
}

export interface Sentence {
  tokens: string[];
  /** Gold triples (empty when the data has none, e.g. text to predict on). */
  triples: Triple[];
  /**
   * Every annotated entity, also those in no triple, for formats that list entities
   * (SpERT, JSONL). Absent: the entities are the triples' subjects and objects.
   */
  entities?: Entity[];
  /** Where the sentence came from, for messages: file and record number (0-based; the 1-based line for JSONL). */
  source: { file: string; record: number };
}

const entityKey = (e: Entity) => `${e.start}:${e.end}:${e.type ?? ''}`;

/**
 * Every entity of a sentence, each once: its entity list, then any triple subject or object not
 * in it (CasRel and Zeng data list no entities). Writers, validation, NER targets and entity
 * scores all count entities this way.
 */
export function sentenceEntities(s: Sentence): Entity[] {
  const out = new Map<string, Entity>();
  for (const e of [...(s.entities ?? []), ...s.triples.flatMap((t) => [t.subject, t.object])])
    if (!out.has(entityKey(e))) out.set(entityKey(e), e.type === undefined ? { start: e.start, end: e.end } : { start: e.start, end: e.end, type: e.type });
  return [...out.values()];
}

/**
 * 'full': spans are whole entities (the exact sets). 'head': only the last word of each entity
 * is annotated (the partial sets, WebNLG* and NYT*), so every span has length 1.
 */
export type SpanKind = 'full' | 'head';

export interface Dataset {
  file: string;
  sentences: Sentence[];
  spans: SpanKind;
  /** Relation names in the order the data's own inventory (rel2id) gives, when it has one. */
  relations?: string[];
  /** Entity types the data declares (a SpERT types file) or uses; absent for untyped data. */
  entityTypes?: string[];
  /** Relations the data declares symmetric: (a, r, b) and (b, r, a) are the same fact. */
  symmetric?: string[];
  report: LoadReport;
}

/** One problem found while reading a file: never silent. */
export interface Problem {
  file: string;
  /** 0-based record number, or line number (1-based) for line formats; -1 for the whole file. */
  record: number;
  message: string;
  /** What happened to the record: skipped entirely, or kept with the faulty part left out. */
  action: 'skipped' | 'kept';
}

export interface LoadReport {
  file: string;
  records: number;
  kept: number;
  skipped: number;
  problems: Problem[];
  /** Facts worth knowing that are not errors (e.g. ambiguous word references). */
  notes: string[];
}

/** A gold relation cell: subject head word i, relation t, object head word j (all within one sentence). */
export interface Cell {
  i: number;
  t: number;
  j: number;
}

/** One encoded sentence: ids and gold labels, before padding. */
export interface EncodedSentence {
  words: number[];
  pos: number[];
  /** Open vocabulary: each word's row in the pre-trained table, -1 when it has none. */
  vec?: number[];
  /** Each word's character ids (models with a char CNN). */
  chars?: number[][];
  /** Each word's shape features as bits (features/wordFeatures.ts order). */
  shape?: number[];
  /** Each word's frozen subword-encoder features, [SUBWORD_DIM] each (features/subword.ts). */
  sub?: Float32Array[];
  ner?: number[];
  cells?: Cell[];
}
