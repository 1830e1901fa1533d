/**
 * Penn Treebank POS tags for pre-tokenised words, from wink-pos-tagger (pure JavaScript, ships
 * its model, works offline). The paper used the Stanford tagger; both give PTB tags.
 */
import posTagger from 'wink-pos-tagger';

let tagger: ReturnType<typeof posTagger> | undefined;

export function posTags(tokens: string[]): string[] {
  tagger ??= posTagger();
  const out = tagger.tagRawTokens(tokens).map((t) => t.pos);
  if (out.length !== tokens.length) throw new Error(`POS tagger returned ${out.length} tags for ${tokens.length} tokens`);
  return out;
}
