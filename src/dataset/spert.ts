/**
 * SpERT JSON (Eberts & Ulges 2020; CoNLL04, SciERC, ADE): an array of
 * {"tokens", "entities": [{"type", "start", "end"}], "relations": [{"type", "head", "tail"}], "orig_id"?},
 * entity `end` exclusive, relation `head`/`tail` indexes into the record's `entities`.
 * A `<prefix>_types.json` beside the file declares the entity and relation types and which
 * relations are symmetric.
 *
 * The token-level record checks (field types, duplicates, overlaps, relation indexes, declared
 * types) live here too: the JSONL reader maps its character offsets to tokens, then shares them.
 */
import { existsSync, readdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { readJson } from '../core/files.ts';
import { type Entity, type Problem, type Sentence, type Triple, overlaps } from '../core/types.ts';
import { UserError } from '../core/errors.ts';

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

/** What went wrong, for counting problems by kind (rin validate). */
export type ProblemKind =
  | 'not JSON'
  | 'not UTF-8'
  | 'not an object'
  | 'other format'
  | 'wrong field type'
  | 'empty'
  | 'span out of range'
  | 'empty span'
  | 'overlapping entities'
  | 'duplicate entity'
  | 'duplicate relation'
  | 'missing entity'
  | 'unknown entity type'
  | 'unknown relation type';

/** A Problem that also says its kind; the CasRel and Zeng readers give plain Problems. */
export interface KindedProblem extends Problem {
  kind: ProblemKind;
}

/** The declared inventory of a SpERT types file. */
export interface TypeInventory {
  file: string;
  entityTypes: string[];
  relations: string[];
  symmetric: string[];
}

/**
 * The types file for `file`: the `*_types.json` in its folder whose prefix starts the data file's
 * name (scierc_dev.json → scierc_types.json; the longest such prefix wins), else the only one.
 */
export function findTypesFile(file: string): string | undefined {
  const dir = dirname(file);
  if (!existsSync(dir)) return undefined;
  const candidates = readdirSync(dir).filter((n) => n.endsWith('_types.json'));
  const name = basename(file);
  const matching = candidates
    .map((n) => n.slice(0, -'_types.json'.length))
    .filter((p) => name.startsWith(p + '_') || name.startsWith(p + '.'))
    .sort((a, b) => b.length - a.length);
  if (matching.length) return join(dir, matching[0] + '_types.json');
  return candidates.length === 1 ? join(dir, candidates[0]) : undefined;
}

/** Parse a SpERT types file: {"entities": {Name: {...}}, "relations": {Name: {"symmetric": bool}}}. */
export function readTypes(file: string): TypeInventory {
  const data = readJson(file);
  if (!isObject(data) || !isObject(data.entities) || !isObject(data.relations)) throw new UserError(`${file}: a SpERT types file needs {"entities": {...}, "relations": {...}}`);
  const rels = data.relations;
  const relations = Object.keys(rels);
  const symmetric = relations.filter((r) => isObject(rels[r]) && rels[r].symmetric === true);
  return { file, entityTypes: Object.keys(data.entities), relations, symmetric };
}

export type Shape = 'spert' | 'casrel' | 'jsonl';

export const SHAPE_NAMES: Record<Shape, string> = {
  spert: 'SpERT ({"tokens", "entities", "relations"})',
  casrel: 'CasRel ({"text", "triple_list"})',
  jsonl: 'JSONL ({"text", "entities", "relations"} with character offsets)',
};

/** Which format a record looks like, to say so when a file mixes formats. */
export function recordShape(rec: unknown): Shape | undefined {
  if (typeof rec !== 'object' || rec === null || Array.isArray(rec)) return undefined;
  if ('tokens' in rec) return 'spert';
  if ('triple_list' in rec) return 'casrel';
  if ('text' in rec) return 'jsonl';
  return undefined;
}

export interface RawEntity {
  start: number;
  end: number;
  type?: string;
}

export interface RawRelation {
  head: number;
  tail: number;
  type: string;
}

const shown = (x: unknown) => (x === undefined ? 'missing' : `got ${JSON.stringify(x)?.slice(0, 40)}`);

/**
 * The `entities` and `relations` arrays with their field types checked (both may be absent:
 * text to predict on has none). A string is the error, naming the faulty field.
 */
export function readParts(rec: Record<string, unknown>): { entities: RawEntity[]; relations: RawRelation[] } | string {
  const { entities = [], relations = [] } = rec;
  if (!Array.isArray(entities)) return `"entities" is not an array (${shown(entities)})`;
  if (!Array.isArray(relations)) return `"relations" is not an array (${shown(relations)})`;
  const ents: RawEntity[] = [];
  for (const [k, e] of entities.entries()) {
    if (!isObject(e)) return `entities[${k}] is not an object (${shown(e)})`;
    for (const f of ['start', 'end'] as const) if (!Number.isInteger(e[f])) return `entities[${k}].${f} is not an integer (${shown(e[f])})`;
    if (e.type !== undefined && typeof e.type !== 'string') return `entities[${k}].type is not a string (${shown(e.type)})`;
    ents.push(e.type === undefined ? { start: e.start as number, end: e.end as number } : { start: e.start as number, end: e.end as number, type: e.type });
  }
  const rels: RawRelation[] = [];
  for (const [k, r] of relations.entries()) {
    if (!isObject(r)) return `relations[${k}] is not an object (${shown(r)})`;
    for (const f of ['head', 'tail'] as const) if (!Number.isInteger(r[f])) return `relations[${k}].${f} is not an integer entity index (${shown(r[f])})`;
    if (typeof r.type !== 'string') return `relations[${k}].type is not a string (${shown(r.type)})`;
    rels.push({ head: r.head as number, tail: r.tail as number, type: r.type });
  }
  return { entities: ents, relations: rels };
}

export interface RecordContext {
  file: string;
  record: number;
  problems: Problem[];
  inventory?: TypeInventory;
  /** Entity k as the file gives it (token or character offsets), for messages. */
  label: (k: number) => string;
}

/**
 * Token-level entities (already in range) and relations → a Sentence. Declared types, exact
 * duplicates, overlaps (BIESO cannot nest), relation indexes and repeated relations are each
 * reported as a 'kept' problem; the faulty part is left out (or kept once).
 */
export function buildSentence(tokens: string[], entities: RawEntity[], relations: RawRelation[], ctx: RecordContext): Sentence {
  const note = (kind: ProblemKind, message: string) => ctx.problems.push({ file: ctx.file, record: ctx.record, message, action: 'kept', kind } as KindedProblem);
  const inv = ctx.inventory;
  const entityTypes = inv && new Set(inv.entityTypes);
  const relationTypes = inv && new Set(inv.relations);
  const out: Entity[] = [];
  const first: number[] = []; // out index → the file's entity index, for messages
  const map: (number | undefined)[] = []; // the file's entity index → out index; undefined if left out
  const byKey = new Map<string, number>();
  entities.forEach((e, k) => {
    if (entityTypes && !entityTypes.has(e.type ?? '')) {
      note('unknown entity type', `${ctx.label(k)}: ${e.type === undefined ? 'no type' : `type "${e.type}" is not`} in ${inv!.file}; entity left out`);
      return;
    }
    const key = `${e.start}:${e.end}:${e.type ?? ''}`;
    const prev = byKey.get(key);
    if (prev !== undefined) {
      note('duplicate entity', `${ctx.label(k)} repeats entity ${first[prev]}; kept once`);
      map[k] = prev;
      return;
    }
    byKey.set(key, out.length);
    map[k] = out.length;
    first.push(k);
    out.push(e.type === undefined ? { start: e.start, end: e.end } : { start: e.start, end: e.end, type: e.type });
  });
  for (let i = 0; i < out.length; i++)
    for (let j = i + 1; j < out.length; j++)
      if (overlaps(out[i], out[j])) note('overlapping entities', `${ctx.label(first[i])} and ${ctx.label(first[j])} overlap; both kept, but BIESO tags cannot nest, so training tags only the longer`);
  const triples: Triple[] = [];
  const seen = new Set<string>();
  relations.forEach((r, k) => {
    const what = `relation ${k} (${r.type})`;
    if (relationTypes && !relationTypes.has(r.type)) return note('unknown relation type', `${what}: type "${r.type}" is not in ${inv!.file}; relation left out`);
    for (const [role, idx] of [
      ['head', r.head],
      ['tail', r.tail],
    ] as const) {
      if (idx < 0 || idx >= entities.length) return note('missing entity', `${what}: ${role} ${idx} is not an entity index (the record has ${entities.length} entities); relation left out`);
      if (map[idx] === undefined) return note('unknown entity type', `${what}: its ${role}, ${ctx.label(idx)}, was left out; relation left out`);
    }
    const [s, o] = [map[r.head]!, map[r.tail]!];
    const key = `${s} ${r.type} ${o}`;
    if (seen.has(key)) return note('duplicate relation', `${what} repeats an earlier relation; kept once`);
    seen.add(key);
    triples.push({ subject: { ...out[s] }, relation: r.type, object: { ...out[o] } });
  });
  return { tokens, triples, entities: out, source: { file: ctx.file, record: ctx.record } };
}

export interface SpertResult {
  sentences: (Sentence | null)[];
  entityTypes?: string[];
  relations?: string[];
  symmetric?: string[];
}

/** The entity types the kept sentences use, sorted; undefined for untyped data. */
export function usedEntityTypes(sentences: (Sentence | null)[]): string[] | undefined {
  const types = new Set<string>();
  for (const s of sentences) for (const e of s?.entities ?? []) if (e.type !== undefined) types.add(e.type);
  return types.size ? [...types].sort() : undefined;
}

/**
 * Parse a SpERT file's records (the parsed JSON), checked against its types file when there is
 * one: the inventory gives the entity types and relations in the file's order, and the symmetric ones.
 */
export function parseSpert(file: string, data: unknown, problems: Problem[], inventory?: TypeInventory): SpertResult {
  if (!Array.isArray(data)) throw new UserError(`${file}: expected a JSON array of SpERT records {"tokens", "entities", "relations"}`);
  const sentences = data.map((rec, r): Sentence | null => {
    const skip = (kind: ProblemKind, message: string): null => {
      problems.push({ file, record: r, message, action: 'skipped', kind } as KindedProblem);
      return null;
    };
    if (!isObject(rec)) return skip('not an object', `record is not an object (${shown(rec)})`);
    const shape = recordShape(rec);
    if (shape !== 'spert') return shape ? skip('other format', `record looks like ${SHAPE_NAMES[shape]}, not SpERT`) : skip('wrong field type', '"tokens" is missing');
    const { tokens } = rec;
    if (!Array.isArray(tokens)) return skip('wrong field type', `"tokens" is not an array (${shown(tokens)})`);
    const bad = tokens.findIndex((t) => typeof t !== 'string');
    if (bad >= 0) return skip('wrong field type', `tokens[${bad}] is not a string (${shown(tokens[bad])})`);
    if (!tokens.length) return skip('empty', 'empty sentence: "tokens" is []');
    const parts = readParts(rec);
    if (typeof parts === 'string') return skip('wrong field type', parts);
    const label = (k: number) => {
      const e = parts.entities[k];
      return `entity ${k} (${e.type ? e.type + ' ' : ''}"${tokens.slice(e.start, e.end).join(' ')}", tokens ${e.start}-${e.end})`;
    };
    for (const [k, e] of parts.entities.entries()) {
      if (e.start >= e.end) return skip('empty span', `entity ${k}: start ${e.start} is not before end ${e.end} (end is exclusive)`);
      if (e.start < 0 || e.end > tokens.length) return skip('span out of range', `entity ${k}: tokens ${e.start}-${e.end} are outside the sentence (${tokens.length} tokens)`);
    }
    return buildSentence(tokens as string[], parts.entities, parts.relations, { file, record: r, problems, inventory, label });
  });
  return { sentences, ...inventoryOf(sentences, inventory) };
}

/** Dataset entity types, relations and symmetric relations: the types file's, else the types used. */
export function inventoryOf(sentences: (Sentence | null)[], inventory?: TypeInventory): Omit<SpertResult, 'sentences'> {
  return {
    entityTypes: inventory?.entityTypes ?? usedEntityTypes(sentences),
    relations: inventory?.relations,
    symmetric: inventory?.symmetric.length ? inventory.symmetric : undefined,
  };
}
