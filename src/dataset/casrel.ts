/**
 * CasRel-style JSON: an array of {"text": "space tokenised ...", "triple_list": [[subj, rel, obj], ...]}.
 * Used by WebNLG*, NYT* (last word of each entity) and the exact WebNLG / NYT (full spans).
 */
import type { Problem, Sentence, Span, Triple } from '../core/types.ts';

export function tokenize(text: string): string[] {
  const t = text.trim();
  return t ? t.split(/\s+/) : [];
}

/** Every start index where `needle` occurs as a token run in `tokens`. */
function occurrences(tokens: string[], needle: string[]): number[] {
  const out: number[] = [];
  if (!needle.length) return out;
  for (let i = 0; i + needle.length <= tokens.length; i++) {
    let k = 0;
    while (k < needle.length && tokens[i + k] === needle[k]) k++;
    if (k === needle.length) out.push(i);
  }
  return out;
}

/** "Medellín" → "medellin": some files spell an entity with accents its sentence lacks. */
const fold = (w: string) => w.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();

export interface CasrelStats {
  /** Triples whose subject or object text occurs more than once in the sentence. */
  ambiguous: number;
  /** Entities found only after folding accents and case. */
  folded: number;
}

/**
 * Parse the records. The text format names entities by their words, not positions: when a word
 * occurs more than once, we take the pair of occurrences (subject, object) that lie closest.
 */
export function parseCasrel(file: string, data: unknown[], problems: Problem[], stats: CasrelStats): (Sentence | null)[] {
  return data.map((rec, r) => {
    const bad = (message: string): null => {
      problems.push({ file, record: r, message, action: 'skipped' });
      return null;
    };
    if (typeof rec !== 'object' || rec === null || Array.isArray(rec)) return bad('record is not an object');
    const { text, triple_list } = rec as { text?: unknown; triple_list?: unknown };
    if (typeof text !== 'string') return bad('"text" is missing or not a string');
    if (triple_list !== undefined && !Array.isArray(triple_list)) return bad('"triple_list" is not an array');
    const tokens = tokenize(text);
    if (!tokens.length) return bad('empty sentence');
    const triples: Triple[] = [];
    ((triple_list as unknown[]) ?? []).forEach((tr, k) => {
      const drop = (message: string) => problems.push({ file, record: r, message: `triple ${k}: ${message}; triple left out`, action: 'kept' });
      if (!Array.isArray(tr) || tr.length !== 3 || !tr.every((x) => typeof x === 'string')) return drop('not a [subject, relation, object] list of strings');
      const [s, rel, o] = tr as string[];
      const sTok = tokenize(s);
      const oTok = tokenize(o);
      const find = (e: string[]) => {
        const exact = occurrences(tokens, e);
        if (exact.length) return exact;
        const loose = occurrences(tokens.map(fold), e.map(fold));
        if (loose.length) stats.folded++;
        return loose;
      };
      const sOcc = find(sTok);
      const oOcc = find(oTok);
      if (!sOcc.length) return drop(`subject "${s}" is not in the sentence`);
      if (!oOcc.length) return drop(`object "${o}" is not in the sentence`);
      if (sOcc.length > 1 || oOcc.length > 1) stats.ambiguous++;
      // Closest pair; two different head words beat the same one (w = w' only when nothing else fits).
      let best: [Span, Span] = [
        { start: sOcc[0], end: sOcc[0] + sTok.length },
        { start: oOcc[0], end: oOcc[0] + oTok.length },
      ];
      let bestCost = Infinity;
      for (const si of sOcc)
        for (const oi of oOcc) {
          const sEnd = si + sTok.length;
          const oEnd = oi + oTok.length;
          const cost = sEnd === oEnd ? 1e9 : Math.abs(sEnd - oEnd);
          if (cost < bestCost) {
            bestCost = cost;
            best = [
              { start: si, end: sEnd },
              { start: oi, end: oEnd },
            ];
          }
        }
      triples.push({ subject: best[0], relation: rel, object: best[1] });
    });
    return { tokens, triples, source: { file, record: r } };
  });
}

/** Relation names from a CasRel rel2id.json: `[id2rel, rel2id]` or a plain `{rel: id}`. */
export function parseRel2id(data: unknown): string[] | undefined {
  const m = Array.isArray(data) ? data[data.length - 1] : data;
  if (typeof m !== 'object' || m === null) return undefined;
  const entries = Object.entries(m as Record<string, unknown>).filter(([, v]) => typeof v === 'number') as [string, number][];
  return entries.sort((a, b) => a[1] - b[1]).map(([k]) => k);
}
