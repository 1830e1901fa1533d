/**
 * Raw text → sentences of tokens with character offsets, by wink-nlp and its English model
 * (pure JavaScript; the model ships in the npm package, so this works offline).
 * Offsets: each token is looked up in the text from the end of the previous one. wink-nlp keeps
 * almost every character in a token or in the spaces before one, but drops a few (a byte-order
 * mark, form feed, some Unicode spaces), so a running sum of lengths would drift.
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

/** Control characters other than tab, line feed and carriage return (C0, DEL, C1). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g;
const CONTROL_TEST = new RegExp(CONTROL.source);

/**
 * Sentences of `text` with their tokens; line breaks and tabs are not tokens. Control
 * characters are read as spaces (so offsets stay the same) and end a sentence where they stand.
 */
export function splitText(original: string): TextSentence[] {
  nlp ??= winkNLP(model);
  const its = nlp.its;
  const text = original.replace(CONTROL, ' ');
  const hasControl = text !== original; // the usual text has none: no gap to check
  const doc = nlp.readDoc(text);
  const out: TextSentence[] = [];
  let pos = 0;
  const flush = (tokens: TextToken[]) => {
    if (tokens.length) out.push({ start: tokens[0].start, end: tokens[tokens.length - 1].end, tokens });
  };
  doc.sentences().each((s: ItemSentence) => {
    const tokens: TextToken[] = [];
    s.tokens().each((t: ItemToken) => {
      const value = t.out() as string;
      if (t.out(its.type) === 'tabCRLF' || !value.trim()) return;
      const start = text.indexOf(value, pos);
      if (start < 0) throw new Error(`tokenizer returned "${value}", which is not in the text after character ${pos}`);
      pos = start + value.length;
      // Control characters between two words end the sentence: no mention spans them.
      if (hasControl && tokens.length && CONTROL_TEST.test(original.slice(tokens[tokens.length - 1].end, start))) flush(tokens.splice(0));
      tokens.push({ text: value, start, end: pos });
    });
    flush(tokens);
  });
  return out;
}
