/**
 * How a training batch is shared among replicas: by sentences, balanced by tokens. Sentences
 * are taken shortest first and cut into runs of about equal tokens, so each part also pads little
 * (a part is padded to its own longest sentence).
 */

/** Indices into `lengths`, at most `parts` non-empty groups, each ascending. */
export function splitByTokens(lengths: number[], parts: number): number[][] {
  const order = [...lengths.keys()].sort((a, b) => lengths[a] - lengths[b] || a - b);
  const k = Math.max(1, Math.min(parts, lengths.length));
  const total = lengths.reduce((s, x) => s + x, 0);
  const out: number[][] = [[]];
  let done = 0;
  order.forEach((i, pos) => {
    const left = order.length - pos; // sentences not yet placed, this one included
    const groupsLeft = k - out.length; // groups still to open after the current one
    // Open the next group once this one holds its share, or when every later group needs a sentence.
    const full = done >= (out.length * total) / k - lengths[i] / 2;
    if (out.at(-1)!.length && groupsLeft > 0 && (full || left <= groupsLeft)) out.push([]);
    out.at(-1)!.push(i);
    done += lengths[i];
  });
  return out.map((g) => g.sort((a, b) => a - b));
}
