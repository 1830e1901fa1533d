/**
 * Character offsets count Unicode code points everywhere rin reads or writes them (JSONL data,
 * extraction results): what Python's str, and most tools outside JavaScript, count. JavaScript
 * strings index UTF-16 units, which differ after an astral character (an emoji counts 2); these
 * convert. Texts without surrogate pairs take the fast path: the two counts agree.
 */
const SURROGATE = /[\uD800-\uDFFF]/;

/** UTF-16 offset → code point offset, for offsets into `text`. */
export function toCodePoints(text: string): (utf16: number) => number {
  if (!SURROGATE.test(text)) return (u) => u;
  const cp = new Int32Array(text.length + 1);
  let c = 0;
  for (let u = 0; u < text.length; u++) {
    cp[u] = c;
    const code = text.charCodeAt(u);
    if (!(code >= 0xdc00 && code <= 0xdfff && u > 0 && text.charCodeAt(u - 1) >= 0xd800 && text.charCodeAt(u - 1) <= 0xdbff)) c++;
    else cp[u] = c - 1; // the second half of a pair is inside the code point before it
  }
  cp[text.length] = c;
  return (u) => cp[u];
}

/** Code point offset → UTF-16 offset; undefined when the text has no surrogate pairs (the two agree). */
export function utf16Offsets(text: string): number[] | undefined {
  if (!SURROGATE.test(text)) return undefined;
  const out = [0];
  let u = 0;
  for (const ch of text) out.push((u += ch.length));
  return out;
}
