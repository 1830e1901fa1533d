/**
 * An independent, plain-JavaScript (float64) implementation of the model's forward pass,
 * written straight from the paper's equations, one sentence at a time and with no padding.
 * The tests compare the tfjs model against it.
 */
import type { ModelConfig } from '../src/model/config.ts';

type M = number[][];
export type HostParams = Map<string, { shape: number[]; v: Float32Array }>;

const sig = (x: number) => 1 / (1 + Math.exp(-x));
const relu = (x: number) => Math.max(0, x);

function mat(p: HostParams, name: string): M {
  const w = p.get(name);
  if (!w) throw new Error(`reference: no ${name}`);
  const [r, c] = w.shape;
  return Array.from({ length: r }, (_, i) => Array.from(w.v.subarray(i * c, (i + 1) * c)));
}
function vec(p: HostParams, name: string): number[] {
  return Array.from(p.get(name)!.v);
}
function mm(x: M, w: M): M {
  return x.map((r) => w[0].map((_, j) => r.reduce((s, v, k) => s + v * w[k][j], 0)));
}
const addRow = (x: M, b: number[]) => x.map((r) => r.map((v, j) => v + b[j]));
const map = (x: M, f: (v: number) => number) => x.map((r) => r.map(f));
const cat = (a: M, b: M) => a.map((r, i) => [...r, ...b[i]]);

function lstm(x: M, W: M, U: M, b: number[], reverse: boolean): M {
  const h = U.length;
  const n = x.length;
  const out: M = new Array(n);
  let hp = new Array(h).fill(0),
    cp = new Array(h).fill(0);
  for (let s = 0; s < n; s++) {
    const t = reverse ? n - 1 - s : s;
    const g = W[0].map((_, j) => b[j] + x[t].reduce((a, v, k) => a + v * W[k][j], 0) + hp.reduce((a, v, k) => a + v * U[k][j], 0));
    const c = cp.map((cv, q) => sig(g[h + q]) * cv + sig(g[q]) * Math.tanh(g[2 * h + q]));
    hp = c.map((cv, q) => sig(g[3 * h + q]) * Math.tanh(cv));
    cp = c;
    out[t] = hp;
  }
  return out;
}

export interface RefOut {
  ner: M; // [n, T]
  a: M; // [n, l]
  c: M; // [n, l]
  bias: number[];
}

function heads(p: HostParams, hRel: M, hEnt: M): RefOut {
  const ner = addRow(mm(hEnt, mat(p, 'ner.W')), vec(p, 'ner.b')); // Eq. 8
  const a = mm(map(mm(hRel, mat(p, 're.Wm')), relu), mat(p, 're.Wp1')); // Eq. 9-10
  const c = mm(map(mm(hRel, mat(p, 're.Wr')), relu), mat(p, 're.Wp2'));
  return { ner, a, c, bias: vec(p, 're.b') };
}

/** Forward for one sentence of word ids and POS ids. */
export function referenceForward(p: HostParams, cfg: ModelConfig, words: number[], pos: number[]): RefOut {
  const E = mat(p, 'emb.word'),
    P = mat(p, 'emb.pos');
  const x = words.map((w, i) => [...E[w], ...P[pos[i]]]);
  const fw = lstm(x, mat(p, 'lstm.fw.W'), mat(p, 'lstm.fw.U'), vec(p, 'lstm.fw.b'), false);
  const bw = lstm(x, mat(p, 'lstm.bw.W'), mat(p, 'lstm.bw.U'), vec(p, 'lstm.bw.b'), true);
  const H = cat(fw, bw);
  if (cfg.variant === 'bilstm') return heads(p, H, H);
  let hRel = map(addRow(mm(H, mat(p, 'fr.W')), vec(p, 'fr.b')), relu); // Eq. 11
  let hEnt = map(addRow(mm(H, mat(p, 'fg.W')), vec(p, 'fg.b')), relu);
  const K = cfg.variant === 'bilstm_s' ? 0 : cfg.rounds;
  const n = words.length;
  for (let k = 0; k < K; k++) {
    if (cfg.variant === 'rin_linear') {
      hRel = addRow(mm(hRel, mat(p, 'updR.W')), vec(p, 'updR.b'));
      hEnt = addRow(mm(hEnt, mat(p, 'updG.W')), vec(p, 'updG.b'));
      continue;
    }
    const o = heads(p, hRel, hEnt);
    const yEnt = o.ner.map((r) => {
      const m = Math.max(...r);
      const e = r.map((v) => Math.exp(v - m));
      const s = e.reduce((a, b) => a + b);
      return e.map((v) => v / s);
    });
    // Eq. 1-2 literally: max over the other words w' of p(<w, t, w'>).
    const yRel = o.a.map((ai, i) =>
      ai.map((av, t) => {
        let best = -Infinity;
        for (let j = 0; j < n; j++) if (j !== i || cfg.selfPairs) best = Math.max(best, sig(av + o.c[j][t] + o.bias[t]));
        return best === -Infinity ? sig(av + o.bias[t] - 30) : best;
      }),
    );
    let s: M = H.map(() => new Array(cfg.intDim).fill(0));
    const add = (m: M) => (s = s.map((r, i) => r.map((v, j) => v + m[i][j])));
    if (cfg.intUsesRel) add(mm(yRel, mat(p, 'int.Wrel')));
    if (cfg.intUsesEnt) add(mm(yEnt, mat(p, 'int.Went')));
    if (cfg.intUsesH) add(mm(H, mat(p, 'int.Wh')));
    const X = map(addRow(s, vec(p, 'int.b')), relu); // Eq. 3
    const upd = (h: M, pre: string): M => {
      const hx = cat(h, X);
      if (cfg.variant === 'rin_rnn') return map(addRow(mm(hx, mat(p, `${pre}.W`)), vec(p, `${pre}.b`)), Math.tanh);
      const z = map(mm(hx, mat(p, `${pre}.Wz`)), sig); // Eq. 4
      const u = map(mm(hx, mat(p, `${pre}.Wu`)), sig); // Eq. 5
      const hc = map(
        mm(
          cat(
            h.map((r, i) => r.map((v, j) => v * u[i][j])),
            X,
          ),
          mat(p, `${pre}.Wo`),
        ),
        Math.tanh,
      ); // Eq. 6
      return h.map((r, i) => r.map((v, j) => (1 - z[i][j]) * v + z[i][j] * hc[i][j])); // Eq. 7
    };
    hRel = upd(hRel, 'updR');
    hEnt = upd(hEnt, 'updG');
  }
  return heads(p, hRel, hEnt);
}
