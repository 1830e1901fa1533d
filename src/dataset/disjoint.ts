/**
 * An entity-disjoint train/dev split: no entity of dev occurs anywhere in train, so dev scores
 * measure extraction of unseen entities rather than retention (Taillé et al. 2021).
 *
 * A held-out entity set H decides every sentence: all its entities in H → dev; none → train;
 * some → dropped (it would leak a dev entity into train, or a train entity into dev). H grows
 * greedily, one candidate sentence's entities at a time, taking the move with the best ratio of
 * sentences gained for dev to sentences newly dropped, so clusters of sentences that share
 * entities only among themselves go to dev whole and few sentences are lost.
 */
import { Rng } from '../engine/rng.ts';

export interface SplitItem {
  /** Entity strings (subjects and objects); compared case-insensitively. */
  entities: string[];
  /** Relation names of the sentence's triples. */
  relations: string[];
}

export interface DisjointOptions {
  /** Tie-breaking order among equally good moves. */
  seed: number;
  /** Stop once dev has at least this many sentences. */
  devSize: number;
  /** Dev candidates: every entity occurs in at most this many sentences (hubs such as countries stay in train). */
  maxEntityFreq: number;
  /** ... and every relation occurs in at least this many sentences, so dev relations rarely vanish from train. */
  minRelationFreq: number;
}

export interface DisjointSplit {
  /** Indexes into the items, ascending. */
  train: number[];
  dev: number[];
  dropped: number[];
  /** The held-out entities (lowercased), sorted. */
  heldOut: string[];
}

type State = 'train' | 'dev' | 'dropped';

/** A sentence's part from how many of its entities are not held out. */
const stateOf = (missing: number, size: number): State => (size === 0 || missing === size ? 'train' : missing === 0 ? 'dev' : 'dropped');

/** Sentence ids of each entity, and each sentence's distinct entity ids. */
function index(items: SplitItem[]): { ents: number[][]; sentencesOf: number[][]; names: string[] } {
  const ids = new Map<string, number>();
  const ents = items.map((it) => [...new Set(it.entities.map((e) => e.toLowerCase()))].map((e) => ids.get(e) ?? ids.set(e, ids.size).get(e)!));
  const sentencesOf: number[][] = Array.from({ length: ids.size }, () => []);
  ents.forEach((es, s) => es.forEach((e) => sentencesOf[e].push(s)));
  return { ents, sentencesOf, names: [...ids.keys()] };
}

/** Sentences that may seed dev: only rare entities and well-attested relations. */
function candidates(items: SplitItem[], ents: number[][], sentencesOf: number[][], o: DisjointOptions): number[] {
  const relFreq = new Map<string, number>();
  for (const it of items) for (const r of new Set(it.relations)) relFreq.set(r, (relFreq.get(r) ?? 0) + 1);
  const order = new Rng(o.seed).shuffle(items.map((_, s) => s));
  return order.filter((s) => ents[s].length > 0 && ents[s].every((e) => sentencesOf[e].length <= o.maxEntityFreq) && items[s].relations.every((r) => relFreq.get(r)! >= o.minRelationFreq));
}

export function entityDisjointSplit(items: SplitItem[], o: DisjointOptions): DisjointSplit {
  const { ents, sentencesOf, names } = index(items);
  const held = new Set<number>();
  const missing = ents.map((es) => es.length);
  const cands = candidates(items, ents, sentencesOf, o);
  let dev = 0;

  /** Holding out a sentence's remaining entities: sentences gained for dev, change in dropped. */
  const move = (s: number) => {
    const add = ents[s].filter((e) => !held.has(e));
    const hits = new Map<number, number>();
    for (const e of add) for (const t of sentencesOf[e]) hits.set(t, (hits.get(t) ?? 0) + 1);
    let gain = 0,
      drop = 0;
    for (const [t, k] of hits) {
      const [a, b] = [stateOf(missing[t], ents[t].length), stateOf(missing[t] - k, ents[t].length)];
      if (b === 'dev' && a !== 'dev') gain++;
      drop += Number(b === 'dropped') - Number(a === 'dropped');
    }
    return { add, gain, drop };
  };
  const hold = (e: number, by: 1 | -1) => {
    if (by > 0) held.add(e);
    else held.delete(e);
    for (const t of sentencesOf[e]) {
      const before = stateOf(missing[t], ents[t].length);
      missing[t] -= by;
      dev += Number(stateOf(missing[t], ents[t].length) === 'dev') - Number(before === 'dev');
    }
  };

  /** The move with the best ratio of dev gained to sentences newly dropped; `free`: only moves that drop nothing more. */
  const bestMove = (free: boolean) => {
    let best: ReturnType<typeof move> | undefined,
      bestScore = -Infinity;
    for (const s of cands) {
      if (missing[s] === 0) continue;
      const m = move(s);
      if (free && !(m.gain > 0 && m.drop <= 0)) continue;
      const score = m.gain / (Math.max(m.drop, 0) + 1);
      if (score > bestScore) [best, bestScore] = [m, score];
    }
    return best;
  };
  // Grow to the target size, then finish the clusters left half-held (they cost nothing more).
  for (let m = bestMove(false); m; m = bestMove(dev >= o.devSize)) for (const e of m.add) hold(e, 1);
  // An entity held out by no dev sentence only drops sentences: give it back to train.
  for (const e of [...held]) if (!sentencesOf[e].some((t) => missing[t] === 0)) hold(e, -1);

  const parts: Record<State, number[]> = { train: [], dev: [], dropped: [] };
  ents.forEach((es, s) => parts[stateOf(missing[s], es.length)].push(s));
  return { ...parts, heldOut: [...held].map((e) => names[e]).sort() };
}
