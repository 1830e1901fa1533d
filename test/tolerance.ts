/**
 * The one tolerance for results computed along different paths: other batch sizes or chunking,
 * workers vs in-process, the native kernels vs wasm, onnxruntime vs tfjs, other thread counts.
 * OpenBLAS picks its kernels per CPU and blocks sums differently for other shapes, so a score
 * can differ in its last float32 bits between two such paths (or on another machine's CPU).
 * Discrete results (entities, triples, relation names, offsets, counts) stay exactly equal;
 * only numbers under a `score` key get the tolerance (and weights trained along two paths).
 *
 * Not covered: a kernel checked against its reference (assertClose in helpers.ts, at the op's
 * own precision), and the promises that are bit for bit on one machine and engine (a resumed
 * run equals an uninterrupted one; our Adam equals tf.train.adam), which keep exact checks.
 */
import assert from 'node:assert/strict';

/**
 * Scores are probabilities in [0, 1]; float32 rounding across paths moves them in their last bits,
 * onnxruntime's fused graph a little more. The same bound, relative (assertClose), holds
 * weights trained the same steps on other thread counts or engines.
 */
export const PATH_TOLERANCE = 1e-4;

/**
 * assert.deepStrictEqual, except that numbers under a `score` key may differ by `tol`.
 * The failure names the path of the first difference (`[2].triples[0].score`).
 */
export function assertSameResults(actual: unknown, expected: unknown, message = 'results', tol = PATH_TOLERANCE): void {
  const fail: (at: string, why: string) => never = (at, why) => assert.fail(`${message}: ${at || '(top)'}: ${why}`);
  const walk = (a: unknown, e: unknown, at: string, key: string): void => {
    if (key === 'score' && typeof a === 'number' && typeof e === 'number') {
      if (!(Math.abs(a - e) <= tol)) fail(at, `score ${a} vs ${e} differs by more than ${tol}`);
      return;
    }
    if (Array.isArray(a) || Array.isArray(e)) {
      if (!Array.isArray(a) || !Array.isArray(e)) fail(at, `${JSON.stringify(a)} vs ${JSON.stringify(e)}`);
      if (a.length !== e.length) fail(at, `length ${a.length} vs ${e.length}`);
      // Triples come most likely first: two whose scores differ by less than the rounding may
      // swap places between paths, so they are matched by what they say, not by position.
      const [x, y] = key === 'triples' ? [byContent(a), byContent(e)] : [a, e];
      x.forEach((v, k) => walk(v, y[k], `${at}[${k}]`, ''));
      return;
    }
    if (a !== null && e !== null && typeof a === 'object' && typeof e === 'object') {
      const [ka, ke] = [Object.keys(a).sort(), Object.keys(e).sort()];
      if (ka.join('\u0000') !== ke.join('\u0000')) fail(at, `keys ${JSON.stringify(ka)} vs ${JSON.stringify(ke)}`);
      for (const k of ka) walk((a as Record<string, unknown>)[k], (e as Record<string, unknown>)[k], at ? `${at}.${k}` : k, k);
      return;
    }
    if (!Object.is(a, e)) fail(at, `${JSON.stringify(a)} vs ${JSON.stringify(e)}`);
  };
  walk(actual, expected, '', '');
}

/** Triples in an order that depends only on their discrete parts (score left out). */
function byContent(triples: unknown[]): unknown[] {
  const keyed = triples.map((t) => [JSON.stringify(t, (k, v) => (k === 'score' ? undefined : v)), t] as const);
  return keyed.sort(([p], [q]) => (p < q ? -1 : p > q ? 1 : 0)).map(([, t]) => t);
}

/** The same for two JSON Lines outputs (rin extract --jsonl): line by line, parsed. */
export function assertSameJsonLines(actual: string, expected: string, message = 'JSON lines'): void {
  const lines = (s: string) => s.split('\n').map((l) => (l === '' ? l : JSON.parse(l)));
  assertSameResults(lines(actual), lines(expected), message);
}
