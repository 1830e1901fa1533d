/**
 * Writers: sentences → CasRel, SpERT or JSONL text, with a warning for everything the target
 * format cannot hold. The readers in this folder read each output back.
 */
import { type Entity, type Sentence, sentenceEntities } from '../core/types.ts';

export const OUTPUT_FORMATS = ['casrel', 'spert', 'jsonl'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

export interface Written {
  text: string;
  records: number;
  /** What the output lost or may read back differently, with counts. */
  warnings: string[];
}

const key = (e: Entity) => `${e.start}:${e.end}:${e.type ?? ''}`;

/** Entities and relations as SpERT and JSONL list them: relations index into the entities. */
function parts(s: Sentence) {
  const entities = sentenceEntities(s);
  const index = new Map(entities.map((e, k) => [key(e), k]));
  const relations = s.triples.map((t) => ({ type: t.relation, head: index.get(key(t.subject))!, tail: index.get(key(t.object))! }));
  return { entities, relations };
}

/** A JSON array, one record a line: small diffs, and still one JSON value. */
const jsonArray = (records: unknown[]) => (records.length ? `[\n${records.map((r) => JSON.stringify(r)).join(',\n')}\n]\n` : '[]\n');

/** SpERT: tokens as they are; untyped entities are written without a type. */
export function writeSpert(sentences: Sentence[]): Written {
  let untyped = 0;
  const records = sentences.map((s) => {
    const { entities, relations } = parts(s);
    untyped += entities.filter((e) => e.type === undefined).length;
    return { tokens: s.tokens, entities: entities.map((e) => (e.type === undefined ? { start: e.start, end: e.end } : { type: e.type, start: e.start, end: e.end })), relations };
  });
  const warnings = untyped ? [`${untyped} entities have no type and are written without one (SpERT's own tools expect a type)`] : [];
  return { text: jsonArray(records), records: records.length, warnings };
}

/** JSONL: text = the tokens joined by single spaces, offsets in code points into that text. */
export function writeJsonl(sentences: Sentence[]): Written {
  let empty = 0;
  const lines = sentences.map((s) => {
    const starts: number[] = [],
      ends: number[] = [];
    let pos = 0;
    s.tokens.forEach((t, k) => {
      if (!t.trim()) empty++;
      if (k) pos++; // the space
      starts.push(pos);
      pos += [...t].length;
      ends.push(pos);
    });
    const { entities, relations } = parts(s);
    return (
      JSON.stringify({
        text: s.tokens.join(' '),
        entities: entities.map((e) => ({ start: starts[e.start], end: ends[e.end - 1], ...(e.type === undefined ? {} : { type: e.type }) })),
        relations,
      }) + '\n'
    );
  });
  const warnings = empty ? [`${empty} tokens are empty or only spaces; they are not words when the text is read back`] : [];
  return { text: lines.join(''), records: lines.length, warnings };
}

/** Does `needle` occur more than once as a token run in `tokens`? (CasRel names entities by their words.) */
function repeated(tokens: string[], needle: string[]): boolean {
  let n = 0;
  for (let i = 0; i + needle.length <= tokens.length && n < 2; i++) if (needle.every((w, k) => tokens[i + k] === w)) n++;
  return n > 1;
}

/**
 * CasRel: {text, triple_list: [[subject words, relation, object words]]}. Lossy: entity types and
 * entities in no relation are lost, and a repeated word may be read back at another position.
 */
export function writeCasrel(sentences: Sentence[]): Written {
  let typed = 0,
    unrelated = 0,
    ambiguous = 0,
    spaced = 0;
  const records = sentences.map((s) => {
    const entities = sentenceEntities(s);
    const inTriples = new Set(s.triples.flatMap((t) => [key(t.subject), key(t.object)]));
    typed += entities.filter((e) => e.type !== undefined).length;
    unrelated += entities.filter((e) => !inTriples.has(key(e))).length;
    spaced += s.tokens.filter((t) => !t || /\s/.test(t)).length;
    const words = (e: Entity) => s.tokens.slice(e.start, e.end);
    ambiguous += s.triples.filter((t) => repeated(s.tokens, words(t.subject)) || repeated(s.tokens, words(t.object))).length;
    return { text: s.tokens.join(' '), triple_list: s.triples.map((t) => [words(t.subject).join(' '), t.relation, words(t.object).join(' ')]) };
  });
  const warnings: string[] = [];
  if (typed) warnings.push(`CasRel has no entity types: the types of ${typed} entities are lost`);
  if (unrelated) warnings.push(`CasRel lists only triples: ${unrelated} entities in no relation are lost`);
  if (ambiguous) warnings.push(`${ambiguous} triples name words that occur more than once in their sentence; reading back takes the closest pair, which may differ`);
  if (spaced) warnings.push(`${spaced} tokens are empty or contain spaces; CasRel text is split at spaces, so they read back differently`);
  return { text: jsonArray(records), records: records.length, warnings };
}

/** Sentences → the text of a file in format `to`. */
export function writeDataset(sentences: Sentence[], to: OutputFormat): Written {
  return to === 'casrel' ? writeCasrel(sentences) : to === 'spert' ? writeSpert(sentences) : writeJsonl(sentences);
}
