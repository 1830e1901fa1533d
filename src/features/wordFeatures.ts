/**
 * What a word looks like, for words no vector knows: its characters (ids for the char CNN,
 * Ma & Hovy 2016) and its shape (capitals, digits, punctuation), as Lample et al. (2016) and
 * most NER taggers of the BiLSTM era use.
 */

/** Characters read per word: the char CNN sees at most this many (the rest of a long word is cut). */
export const MAX_CHARS = 20;

/** One 0/1 feature per test, in this order. */
const SHAPE_TESTS: ((w: string) => boolean)[] = [
  (w) => /^\p{Lu}/u.test(w), // Capitalised
  (w) => /^\p{Lu}+$/u.test(w) && w.length > 1, // ALLCAPS
  (w) => /^\p{Ll}+$/u.test(w), // all lowercase
  (w) => /\p{Ll}\p{Lu}/u.test(w), // mixed case inside (McDonald, iPhone)
  (w) => /\d/.test(w), // has a digit
  (w) => /^[\d.,]+$/.test(w), // a number
  (w) => /^[^\p{L}\p{N}]+$/u.test(w), // punctuation only
  (w) => /[-'.]/.test(w) && /[\p{L}\p{N}]/u.test(w), // word with a hyphen, apostrophe or dot inside
];

export const SHAPE_SIZE = SHAPE_TESTS.length;

/** The shape features of a word as bits (bit k = test k). */
export function shapeBits(w: string): number {
  let bits = 0;
  for (let k = 0; k < SHAPE_SIZE; k++) if (SHAPE_TESTS[k](w)) bits |= 1 << k;
  return bits;
}

/** The characters of a training set, most frequent first after <pad> (0) and <unk> (1). */
export function charVocab(words: Iterable<string>): string[] {
  const counts = new Map<string, number>();
  for (const w of words) for (const ch of w) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  return ['<pad>', '<unk>', ...[...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([c]) => c)];
}

/** Character ids of a word (code points, at most MAX_CHARS), unknown characters → 1. */
export function charIds(w: string, index: Map<string, number>): number[] {
  const out: number[] = [];
  for (const ch of w) {
    if (out.length === MAX_CHARS) break;
    out.push(index.get(ch) ?? 1);
  }
  return out;
}
