/**
 * Scores split by whether the entities were seen in training (Taillé et al. 2021, "Separating
 * Retention from Extraction in the Evaluation of End-to-end Relation Extraction"): on WebNLG
 * most dev entities also occur in train, so the headline partly measures memorisation.
 *
 * A mention is seen when its string occurs as an entity mention in a training sentence,
 * compared exactly as the headline compares strings (case-sensitive, words joined by single
 * spaces; the last word only under partial match). A triple is seen when both its mentions are;
 * a predicted triple is put in a part by its own mentions, so each part has its own P/R/F1.
 */
import { type Entity, type Sentence, sentenceEntities } from '../core/types.ts';
import type { Prediction } from './decode.ts';
import { type MatchMode, type PRF, formatHeader, formatRow, positionKey, prf, relationKeys, spanText, tripleKeys } from './metrics.ts';

export interface SeenParts {
  /** Triples (entities) whose mentions all occur in training. */
  seen: PRF;
  unseen: PRF;
}

export interface SeenScores {
  mode: MatchMode;
  /** Distinct training mention strings. */
  mentions: number;
  triples: SeenParts;
  entities: SeenParts;
}

export interface SeenOptions {
  /** Relations the data declares symmetric (strict match only, as score()). */
  symmetric?: string[];
}

const textMode = (mode: MatchMode) => (mode === 'partial' ? 'partial' : 'exact');

/** Every entity mention string of the training sentences, as `mode` compares them. */
export function trainMentions(train: Sentence[], mode: MatchMode): Set<string> {
  return new Set(train.flatMap((s) => sentenceEntities(s).map((e) => spanText(s.tokens, e, textMode(mode)))));
}

type Counts = { correct: number; predicted: number; gold: number };
/** Match key → seen, for one sentence. */
type Keyed = Map<string, boolean>;

/** Add one sentence's gold and predicted keys to the two parts (a key's part is fixed by its strings). */
function tally(parts: { seen: Counts; unseen: Counts }, gold: Keyed, pred: Keyed): void {
  for (const seen of gold.values()) parts[seen ? 'seen' : 'unseen'].gold++;
  for (const [k, seen] of pred) {
    const c = parts[seen ? 'seen' : 'unseen'];
    c.predicted++;
    if (gold.has(k)) c.correct++;
  }
}

/** Keys and seen flags of one sentence's triples and entities under the headline match. */
function keyer(mode: MatchMode, mentions: Set<string>, symmetric: Set<string>) {
  const strict = mode === 'strict';
  return (toks: string[]) => {
    const known = (e: Entity) => mentions.has(spanText(toks, e, textMode(mode)));
    // Partial match compares last words, so an entity is matched by its last word's position.
    const entityKey = (e: Entity) => (mode === 'partial' ? String(e.end - 1) : positionKey(e, strict));
    const tripleKey = (t: { subject: Entity; relation: string; object: Entity }) =>
      [...(strict ? relationKeys([t], true, symmetric) : tripleKeys(toks, [t], mode === 'partial' ? 'partial' : 'exact'))][0];
    return {
      triples: (ts: { subject: Entity; relation: string; object: Entity }[]): Keyed => new Map(ts.map((t) => [tripleKey(t), known(t.subject) && known(t.object)])),
      entities: (es: Entity[]): Keyed => new Map(es.map((e) => [entityKey(e), known(e)])),
    };
  };
}

/**
 * P/R/F1 of triples and entities, each split into seen and unseen parts. `mode` is the
 * headline match of score(): 'exact', 'partial' or 'strict' (spans and types).
 */
export function seenSplit(train: Sentence[], gold: Sentence[], preds: Prediction[], mode: MatchMode, o: SeenOptions = {}): SeenScores {
  const mentions = trainMentions(train, mode);
  const keys = keyer(mode, mentions, new Set(o.symmetric ?? []));
  const zero = () => ({ seen: { correct: 0, predicted: 0, gold: 0 }, unseen: { correct: 0, predicted: 0, gold: 0 } });
  const [triples, entities] = [zero(), zero()];
  gold.forEach((s, i) => {
    const k = keys(s.tokens);
    tally(triples, k.triples(s.triples), k.triples(preds[i].triples));
    tally(entities, k.entities(sentenceEntities(s)), k.entities(preds[i].entities));
  });
  const done = (p: ReturnType<typeof zero>): SeenParts => ({ seen: prf(p.seen.correct, p.seen.predicted, p.seen.gold), unseen: prf(p.unseen.correct, p.unseen.predicted, p.unseen.gold) });
  return { mode, mentions: mentions.size, triples: done(triples), entities: done(entities) };
}

/** Rows for the text report, under the main table. */
export function formatSeen(s: SeenScores, from: string): string {
  const w = 24;
  return [
    `seen = every mention occurs as an entity in ${from} (${s.mentions} mention strings; ${s.mode} match):`,
    formatHeader(w),
    formatRow('triples, seen entities', s.triples.seen, w),
    formatRow('triples, unseen entities', s.triples.unseen, w),
    formatRow('entities, seen', s.entities.seen, w),
    formatRow('entities, unseen', s.entities.unseen, w),
  ].join('\n');
}
