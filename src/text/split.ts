/**
 * Raw text → sentences of tokens with character offsets, by wink-nlp and its English model
 * (pure JavaScript; the model ships in the npm package, so this works offline).
 * wink-nlp is lossless: every character of the text is in exactly one token or in the spaces
 * before one, so offsets are a running sum of the two.
 */
import winkNLP, { type ItemSentence, type ItemToken } from 'wink-nlp';
import model from 'wink-eng-lite-web-model';

export interface TextToken {
  text: string;
  /** Character offsets into the original text, end exclusive. */
  start: number;
  end: number;
}

export interface TextSentence {
  start: number;
  end: number;
  tokens: TextToken[];
}

let nlp: ReturnType<typeof winkNLP> | undefined;

/** Sentences of `text` with their tokens; line breaks and tabs are not tokens. */
export function splitText(text: string): TextSentence[] {
  nlp ??= winkNLP(model);
  const its = nlp.its;
  const doc = nlp.readDoc(text);
  const out: TextSentence[] = [];
  let pos = 0;
  doc.sentences().each((s: ItemSentence) => {
    const tokens: TextToken[] = [];
    s.tokens().each((t: ItemToken) => {
      pos += (t.out(its.precedingSpaces) as string).length;
      const value = t.out() as string;
      const start = pos;
      pos += value.length;
      if (t.out(its.type) !== 'tabCRLF' && value.trim()) tokens.push({ text: value, start, end: pos });
    });
    if (tokens.length) out.push({ start: tokens[0].start, end: tokens[tokens.length - 1].end, tokens });
  });
  // Guard against a tokenizer change breaking the running offsets: they must point at the token's text.
  for (const s of out) for (const t of s.tokens) if (text.slice(t.start, t.end) !== t.text) throw new Error(`tokenizer offsets drifted at ${t.start}: "${t.text}"`);
  return out;
}
