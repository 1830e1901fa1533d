/**
 * Scores as the paper and CasRel compute them: per sentence, the SET of predicted triples is
 * compared with the set of gold triples, as strings.
 *  - partial: (last word of subject, relation, last word of object) — the paper's setting (§5);
 *  - exact:   (whole subject text, relation, whole object text) — for data with full spans.
 * Also NER span F1 (Table 4), per-relation scores, and breakdowns by overlap pattern and by
 * number of gold triples per sentence (as in CasRel's analysis).
 * And as the typed-entity literature (SpERT and its successors) reports, micro-averaged over
 * token positions: entities (boundaries and type), relations strict (both entities' boundaries
 * and types, and the relation) and boundaries-only; a relation the data declares symmetric
 * matches in either direction.
 */
import { type Entity, type Sentence, type Span, sentenceEntities } from '../core/types.ts';
import type { Prediction } from './decode.ts';

export interface PRF {
  precision: number;
  recall: number;
  f1: number;
  correct: number;
  predicted: number;
  gold: number;
}

export function prf(correct: number, predicted: number, gold: number): PRF {
  const precision = predicted ? correct / predicted : 0;
  const recall = gold ? correct / gold : 0;
  const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
  return { precision, recall, f1, correct, predicted, gold };
}

export type MatchMode = 'partial' | 'exact' | 'strict';

/** The string a span is compared by: its last word (partial) or its words joined by single spaces (exact). */
export const spanText = (toks: string[], s: Span, mode: 'partial' | 'exact') => (mode === 'partial' ? toks[s.end - 1] : toks.slice(s.start, s.end).join(' '));

export function tripleKeys(toks: string[], triples: { subject: Span; relation: string; object: Span }[], mode: 'partial' | 'exact'): Set<string> {
  return new Set(triples.map((t) => `${spanText(toks, t.subject, mode)}\u0001${t.relation}\u0001${spanText(toks, t.object, mode)}`));
}

class Counter {
  correct = 0;
  predicted = 0;
  gold = 0;
  add(g: Set<string>, p: Set<string>) {
    this.gold += g.size;
    this.predicted += p.size;
    for (const k of p) if (g.has(k)) this.correct++;
  }
  get prf(): PRF {
    return prf(this.correct, this.predicted, this.gold);
  }
}

/**
 * Overlap patterns as Zeng et al. (2018, CopyRE) split the data and CasRel reports them; a
 * sentence may be both EPO and SEO. On the ORDERED (subject, object) pairs of head words:
 * EPO when a pair carries more than one relation; SEO when the distinct pairs share an entity
 * (fewer distinct entities than twice the distinct pairs); Normal otherwise.
 */
export function overlapPatterns(s: Sentence): ('Normal' | 'EPO' | 'SEO')[] {
  const triples = new Map(s.triples.map((t) => [`${t.subject.end - 1}\u0001${t.relation}\u0001${t.object.end - 1}`, [t.subject.end - 1, t.object.end - 1]]));
  const pairs = [...triples.values()].map(([a, b]) => `${a}:${b}`);
  const distinct = new Set(pairs);
  const entities = new Set([...distinct].flatMap((p) => p.split(':')));
  const out: ('Normal' | 'EPO' | 'SEO')[] = [];
  if (distinct.size < pairs.length) out.push('EPO');
  if (entities.size !== 2 * distinct.size) out.push('SEO');
  return out.length ? out : ['Normal'];
}

/** An entity's position key: boundaries, and its type when typed. */
export const positionKey = (e: Entity, typed: boolean) => `${e.start}:${e.end}${typed ? ':' + (e.type ?? '') : ''}`;

/** Position keys of relations; a symmetric relation's two entities are put in a fixed order. */
export function relationKeys(triples: { subject: Entity; relation: string; object: Entity }[], typed: boolean, symmetric: Set<string>): Set<string> {
  return new Set(
    triples.map((t) => {
      let [a, b] = [positionKey(t.subject, typed), positionKey(t.object, typed)];
      if (symmetric.has(t.relation) && (t.object.start < t.subject.start || (t.object.start === t.subject.start && t.object.end < t.subject.end))) [a, b] = [b, a];
      return `${a}\u0001${t.relation}\u0001${b}`;
    }),
  );
}

export interface ScoreOptions {
  /** Relations the data declares symmetric. */
  symmetric?: string[];
  /** The model and data have entity types: the headline is the strict relation score. */
  typed?: boolean;
}

export interface Scores {
  mode: MatchMode;
  /** The headline scores: `strict` for typed data, `exact` for full-span data, `partial` otherwise. */
  triples: PRF;
  /** Entities, boundaries and type (untyped data: boundaries), against every gold entity. */
  entities: PRF;
  /** Relations: both entities' boundaries (and types, when typed) and the relation. */
  strict: PRF;
  /** Relations: both entities' boundaries and the relation, types ignored. */
  boundaries: PRF;
  /** Whole spans (meaningful for full-span data; on last-word data it equals `partial`). */
  exact: PRF;
  partial: PRF;
  ner: PRF;
  perRelation: Record<string, PRF>;
  byOverlap: Record<string, PRF>;
  byCount: Record<string, PRF>;
  sentences: number;
}

/**
 * Score predictions against gold sentences. `goldEntities` are the data's entities (NER is
 * scored against them, boundaries only).
 * `mode` is the headline match: 'exact' for full-span data, 'partial' otherwise.
 */
export function score(gold: Sentence[], preds: Prediction[], goldEntities: Span[][], spanMode: 'partial' | 'exact', o: ScoreOptions = {}): Scores {
  const typed = o.typed ?? false;
  const symmetric = new Set(o.symmetric ?? []);
  const mode: MatchMode = typed ? 'strict' : spanMode;
  const entities = new Counter();
  const strict = new Counter();
  const boundaries = new Counter();
  const partial = new Counter();
  const exact = new Counter();
  const ner = new Counter();
  const perRel = new Map<string, Counter>();
  const byOverlap = new Map<string, Counter>();
  const byCount = new Map<string, Counter>();
  const bump = (m: Map<string, Counter>, k: string) => m.get(k) ?? m.set(k, new Counter()).get(k)!;
  gold.forEach((s, i) => {
    const p = preds[i];
    const gp = tripleKeys(s.tokens, s.triples, 'partial');
    const pp = tripleKeys(s.tokens, p.triples, 'partial');
    partial.add(gp, pp);
    const ge = tripleKeys(s.tokens, s.triples, 'exact');
    const pe = tripleKeys(s.tokens, p.triples, 'exact');
    exact.add(ge, pe);
    const gs = relationKeys(s.triples, typed, symmetric);
    const ps = relationKeys(p.triples, typed, symmetric);
    strict.add(gs, ps);
    boundaries.add(relationKeys(s.triples, false, symmetric), relationKeys(p.triples, false, symmetric));
    entities.add(new Set(sentenceEntities(s).map((e) => positionKey(e, typed))), new Set(p.entities.map((e) => positionKey(e, typed))));
    const [g, pr] = mode === 'partial' ? [gp, pp] : mode === 'exact' ? [ge, pe] : [gs, ps];
    const rels = new Set([...s.triples, ...p.triples].map((t) => t.relation));
    for (const r of rels) {
      const only = (set: Set<string>) => new Set([...set].filter((k) => k.split('\u0001')[1] === r));
      bump(perRel, r).add(only(g), only(pr));
    }
    for (const pat of overlapPatterns(s)) bump(byOverlap, pat).add(g, pr);
    bump(byCount, g.size >= 5 ? '>=5' : String(g.size)).add(g, pr);
    const spanKey = (x: Span) => `${x.start}:${x.end}`;
    ner.add(new Set(goldEntities[i].map(spanKey)), new Set(p.entities.map(spanKey)));
  });
  const obj = (m: Map<string, Counter>) => Object.fromEntries([...m].sort().map(([k, c]) => [k, c.prf]));
  return {
    mode,
    triples: mode === 'partial' ? partial.prf : mode === 'exact' ? exact.prf : strict.prf,
    entities: entities.prf,
    strict: strict.prf,
    boundaries: boundaries.prf,
    partial: partial.prf,
    exact: exact.prf,
    ner: ner.prf,
    perRelation: obj(perRel),
    byOverlap: obj(byOverlap),
    byCount: obj(byCount),
    sentences: gold.length,
  };
}

const pct = (x: number) => (100 * x).toFixed(2).padStart(6);

/** One row of a score table (percentages, then counts); names longer than `width` push the columns right. */
export const formatRow = (name: string, r: PRF, width = 22) =>
  `${name.padEnd(width)} ${pct(r.precision)} ${pct(r.recall)} ${pct(r.f1)}   ${String(r.correct).padStart(5)} ${String(r.predicted).padStart(5)} ${String(r.gold).padStart(5)}`;
export const formatHeader = (width = 22) => `${''.padEnd(width)}      P      R     F1   correct  pred  gold`;

/** A plain-text report of the scores. */
export function formatScores(s: Scores, perRelation = false): string {
  const row = (name: string, r: PRF) => formatRow(name, r);
  const lines = [formatHeader()];
  if (s.mode === 'strict') {
    lines.push(row('entities (span + type)', s.entities));
    lines.push(row('relations, strict', s.strict));
    lines.push(row('relations, boundaries', s.boundaries));
  } else {
    lines.push(row('triples, partial match', s.partial));
    if (s.mode === 'exact') lines.push(row('triples, exact match', s.exact));
  }
  lines.push(row('NER spans', s.ner));
  lines.push('', `by overlap pattern (${s.mode} match):`);
  for (const [k, r] of Object.entries(s.byOverlap)) lines.push(row('  ' + k, r));
  lines.push('', `by gold triples per sentence (${s.mode} match):`);
  for (const [k, r] of Object.entries(s.byCount)) lines.push(row('  ' + k, r));
  if (perRelation) {
    lines.push('', `per relation (${s.mode} match):`);
    for (const [k, r] of Object.entries(s.perRelation)) lines.push(row('  ' + k.slice(0, 20), r));
  }
  return lines.join('\n');
}
