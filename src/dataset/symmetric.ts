/**
 * Symmetric relations (SciERC's Compare and Conjunction) state one fact whichever entity comes
 * first; data sets write them both ways. Read as they are, training sees contradictory targets
 * for the same pair (a tail-first instance says the text-order cell is 0). So the reader puts
 * every symmetric triple in text order, subject first, once; scoring (eval/metrics.ts) matches
 * them in either direction as before.
 */
import type { Sentence, Span } from '../core/types.ts';

const before = (a: Span, b: Span) => a.start < b.start || (a.start === b.start && a.end < b.end);

/** Reorder symmetric triples in place; returns a note for the load report, or undefined if none changed. */
export function canonicalSymmetric(sentences: Sentence[], symmetric: string[] | undefined): string | undefined {
  const sym = new Set(symmetric ?? []);
  if (!sym.size) return undefined;
  let swapped = 0,
    dropped = 0;
  for (const s of sentences) {
    const seen = new Set<string>();
    s.triples = s.triples.filter((t) => {
      if (!sym.has(t.relation)) return true;
      if (before(t.object, t.subject)) {
        [t.subject, t.object] = [t.object, t.subject];
        swapped++;
      }
      const key = `${t.subject.start}:${t.subject.end}:${t.relation}:${t.object.start}:${t.object.end}`;
      if (seen.has(key)) {
        dropped++;
        return false;
      }
      seen.add(key);
      return true;
    });
  }
  if (!swapped && !dropped) return undefined;
  return `${swapped} triples of symmetric relations (${[...sym].join(', ')}) put in text order; ${dropped} duplicate${dropped === 1 ? '' : 's'} dropped`;
}
