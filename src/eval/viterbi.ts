/**
 * Constrained BIESO decoding: the most probable tag sequence (sum of per-word log-softmax
 * scores) among the sequences biesoSpans() reads without dropping anything. Arg-max per word
 * can produce "B B E" or "I E", which lose entities; Viterbi over the valid sequences cannot.
 *
 * Valid sequences (tag layout of vocab.ts: 0 = O, 1 + 4·type + {B, I, E, S}):
 *   start:                O, B-x, S-x
 *   after O, E-x or S-x:  O, B-z, S-z   (any type z)
 *   after B-x or I-x:     I-x, E-x      (same type x)
 *   end:                  after O, E-x or S-x
 *
 * So every tag is either "closed" (O, E, S: an entity is not open after it) or "open" (B, I),
 * and the allowed predecessors are:
 *   O, B-z, S-z ← any closed tag (the same set for all of them)
 *   I-x, E-x    ← B-x or I-x
 * That lets one step cost O(T) instead of O(T²): the best closed predecessor is found once and
 * shared by every O/B/S tag, and each type's I/E pick between just two states. Decoding is
 * O(len · T) time and memory.
 */

/** The tag-class lists for one tag count, built once per T (see structureOf). */
interface Structure {
  /** Number of entity types (T = 1 + 4K). */
  K: number;
  /** O, E-x, S-x: may end a sentence, and may precede O, B-z, S-z. */
  closed: Int32Array;
  /** O, B-x, S-x: may start a sentence, and may follow any closed tag. */
  opening: Int32Array;
}

const structures = new Map<number, Structure>();

function structureOf(T: number): Structure {
  let s = structures.get(T);
  if (s) return s;
  if (!Number.isInteger(T) || T < 5 || (T - 1) % 4 !== 0) throw new Error(`viterbiTags: ${T} NER tags is not a BIESO layout (1 + 4·types)`);
  const K = (T - 1) / 4;
  const closed = [0];
  const opening = [0];
  for (let x = 0; x < K; x++) {
    const b = 1 + 4 * x; // B-x; I-x = b + 1, E-x = b + 2, S-x = b + 3
    closed.push(b + 2, b + 3);
    opening.push(b, b + 3);
  }
  s = { K, closed: Int32Array.from(closed), opening: Int32Array.from(opening) };
  structures.set(T, s);
  return s;
}

/** out[k] = log softmax(row)[k], stable: subtract the row's max before exp. */
function logSoftmax(logits: ArrayLike<number>, o: number, T: number, out: Float64Array): void {
  let m = -Infinity;
  for (let k = 0; k < T; k++) if (logits[o + k] > m) m = logits[o + k];
  let sum = 0;
  for (let k = 0; k < T; k++) sum += Math.exp(logits[o + k] - m);
  const lse = m + Math.log(sum);
  for (let k = 0; k < T; k++) out[k] = logits[o + k] - lse;
}

/**
 * Best valid BIESO tag sequence for one sentence of `len` words, word i's T logits starting at
 * logits[rowOf(i)] (decode's time-major layout: rowOf = (i) => (i * B + b) * T). Logits must be
 * finite. Ties go to the lower tag id, so the result is deterministic.
 *
 * The per-row log-softmax shifts every path by the same amount, so it does not change which
 * path wins; it is kept so the path score is the sequence's log-probability under the
 * per-word distributions.
 */
export function viterbiTags(logits: ArrayLike<number>, rowOf: (i: number) => number, len: number, T: number): Int32Array {
  const tags = new Int32Array(len);
  if (len === 0) return tags;
  const { K, closed, opening } = structureOf(T);
  const emit = new Float64Array(T);
  let prev = new Float64Array(T);
  let cur = new Float64Array(T);
  const back = new Int32Array(len * T); // back[i*T + j]: best tag at i-1 given tag j at i

  // Word 0: only O, B, S may start; I and E are unreachable.
  logSoftmax(logits, rowOf(0), T, emit);
  prev.fill(-Infinity);
  for (const j of opening) prev[j] = emit[j];

  for (let i = 1; i < len; i++) {
    logSoftmax(logits, rowOf(i), T, emit);
    const bi = i * T;
    // One best closed predecessor serves every O/B/S tag.
    let bestClosed = closed[0];
    for (const k of closed) if (prev[k] > prev[bestClosed]) bestClosed = k;
    cur.fill(-Infinity);
    for (const j of opening) {
      cur[j] = prev[bestClosed] + emit[j];
      back[bi + j] = bestClosed;
    }
    // I-x and E-x continue an open entity of type x: from B-x or I-x.
    for (let x = 0; x < K; x++) {
      const b = 1 + 4 * x;
      const from = prev[b + 1] > prev[b] ? b + 1 : b;
      cur[b + 1] = prev[from] + emit[b + 1];
      cur[b + 2] = prev[from] + emit[b + 2];
      back[bi + b + 1] = from;
      back[bi + b + 2] = from;
    }
    [prev, cur] = [cur, prev];
  }

  // The last word must close any entity: end on O, E or S.
  let last = closed[0];
  for (const k of closed) if (prev[k] > prev[last]) last = k;
  tags[len - 1] = last;
  for (let i = len - 1; i > 0; i--) tags[i - 1] = back[i * T + tags[i]];
  return tags;
}
