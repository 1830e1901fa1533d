/**
 * SentencePiece unigram segmentation (Kudo 2018) over a vocabulary of [piece, log-probability]
 * pairs, as the Universal Sentence Encoder Lite's vocab.json gives it: the segmentation of
 * highest total log-probability (Viterbi over the lattice of vocabulary pieces). A word is read
 * as "▁word" (SentencePiece marks a word start with U+2581), NFKC-normalised. A character no
 * piece covers becomes the unknown piece (id 0); consecutive unknowns merge into one, as in
 * SentencePiece.
 */

export const WORD_START = '\u2581';
/** Unknown piece id. */
export const UNK = 0;
/** Ids below this are control symbols (<unk>, <s>, </s>, ...), never matched in text. */
const RESERVED = 6;
/** An unknown character costs more than any piece, so it is chosen only when nothing covers it. */
const UNK_PENALTY = 10;

export class SentencePiece {
  private readonly pieces = new Map<string, { id: number; score: number }>();
  /** Longest piece, in code points. */
  private readonly longest: number;
  private readonly unkScore: number;

  constructor(vocab: [string, number][], reserved = RESERVED) {
    let longest = 1;
    let min = 0;
    vocab.forEach(([piece, score], id) => {
      if (id < reserved) return;
      this.pieces.set(piece, { id, score });
      longest = Math.max(longest, [...piece].length);
      min = Math.min(min, score);
    });
    this.longest = longest;
    this.unkScore = min - UNK_PENALTY;
  }

  /** The piece ids of one word (its text as a word of a sentence: "▁" + NFKC(word)). */
  encodeWord(word: string): number[] {
    return this.segment([...(WORD_START + word.normalize('NFKC'))]);
  }

  /** Viterbi: best[e] is the best score of chars [0, e); from[e] the piece that ends there. */
  private segment(chars: string[]): number[] {
    const n = chars.length;
    const best = new Float64Array(n + 1).fill(Number.NEGATIVE_INFINITY);
    const from: { start: number; id: number }[] = new Array(n + 1);
    best[0] = 0;
    for (let end = 1; end <= n; end++) {
      for (let start = Math.max(0, end - this.longest); start < end; start++) {
        if (best[start] === Number.NEGATIVE_INFINITY) continue;
        const p = this.pieces.get(chars.slice(start, end).join(''));
        if (p && best[start] + p.score > best[end]) {
          best[end] = best[start] + p.score;
          from[end] = { start, id: p.id };
        }
      }
      // No piece ends here from a reachable start: the last character alone is unknown.
      if (best[end] === Number.NEGATIVE_INFINITY || best[end - 1] + this.unkScore > best[end]) {
        best[end] = best[end - 1] + this.unkScore;
        from[end] = { start: end - 1, id: UNK };
      }
    }
    const ids: number[] = [];
    for (let end = n; end > 0; end = from[end].start) {
      const id = from[end].id;
      if (!(id === UNK && ids[ids.length - 1] === UNK)) ids.push(id);
    }
    return ids.reverse();
  }
}
