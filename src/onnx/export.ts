/**
 * A RinModel as an ONNX graph, built from its parameters and config (model/rin.ts, equation by
 * equation), so a native runtime (onnxruntime, in Node, Python, C# or a browser) runs the
 * forward pass. Inputs are one time-major batch (model/batch.ts); outputs are exactly the
 * logits eval/predict.ts `inferLogits` returns (ner [n*B, T], a and c [n, B, l], bias [l]).
 * Decoding (arg-max or Viterbi, triples) stays in JavaScript.
 *
 * Inputs (n words, B sentences, time-major: row i*B + b is word i of sentence b):
 *   words [n, B] int32, pos [n, B] int32, mask [n, B] float (1 real word, 0 padding);
 *   open vocabulary: vectors [n, B, wordDim] float (the pre-trained rows, 0 where none);
 *   char CNN: chars [U, L] int32 (the batch's distinct words, 0 = padding), charWord [n, B] int32;
 *   shape features: shape [n, B, SHAPE_SIZE] float.
 */
import { SHAPE_SIZE } from '../features/wordFeatures.ts';
import { SUBWORD_DIM } from '../features/subword.ts';
import type { RinModel } from '../io/modelDir.ts';
import type { ModelConfig } from '../model/config.ts';
import { CHAR_WIDTH, type ParamGroup, type ParamName } from '../model/params.ts';
import { type ModelOps, forwardWith } from '../model/rin.ts';
import { NO_OBJECT } from '../engine/ops.ts';
import { BOOL, FLOAT, Graph, INT32 } from './graph.ts';
import { codeVersion } from '../core/version.ts';

/** Stands for "no word" in the max of Eq. 1: below any logit, far from float overflow. */
const NONE = -1e30;

/** Builds the graph of one model: `t` names tensors of the graph, `w` reads a parameter. */
class Builder {
  readonly g = new Graph();
  readonly n: string; // scalar int64: words per sentence
  readonly dims: string; // int64 [n, B]
  readonly mask: string; // float [n, B]
  private readonly params = new Set<string>();

  constructor(
    private readonly model: RinModel,
    readonly cfg: ModelConfig,
  ) {
    for (const name of ['words', 'pos']) this.g.input(name, INT32, ['n', 'B']); // first, so the inputs read words, pos, mask, …
    this.mask = this.g.input('mask', FLOAT, ['n', 'B']);
    this.dims = this.g.op('Shape', [this.mask]); // [2]: n, B
    this.n = this.g.op('Gather', [this.dims, this.g.ints('zero', [0], [])]); // scalar
  }

  /** A parameter's values and shape. */
  w(name: ParamName): { values: Float32Array; shape: number[] } {
    const v = this.model.params.get(name);
    if (!v) throw new Error(`onnx export: the model has no parameter ${name}`);
    return { values: v.dataSync() as Float32Array, shape: v.shape };
  }

  /** A parameter as an initializer of the same name. */
  param(name: ParamName): string {
    if (this.params.has(name)) return name;
    this.params.add(name);
    const { values, shape } = this.w(name);
    return this.g.floats(name, values, shape);
  }

  /** act(x [N, i] · W [i, o] + b) as one Gemm. */
  dense(x: string, W: string, b?: string, act?: 'Relu' | 'Sigmoid' | 'Tanh'): string {
    const y = b ? this.g.op('Gemm', [x, W, b]) : this.g.op('MatMul', [x, W]);
    return act ? this.g.op(act, [y]) : y;
  }

  /** Reshape x to [n, B, ...rest] (rest fixed) or back to [n*B, last]. */
  toSteps(x: string, last: number): string {
    return this.g.op('Reshape', [x, this.g.op('Concat', [this.dims, this.g.ints(`last${last}`, [last])], { axis: 0 })]); // [n, B, last]
  }
  flat(x: string, last: number): string {
    return this.g.op('Reshape', [x, this.g.ints(`flat${last}`, [-1, last])]); // [n*B, last]
  }
}

/** The ONNX graph of a model, serialised: the model's forwardWith (model/rin.ts) on ONNX nodes. */
export function exportOnnx(model: RinModel): Uint8Array {
  const x = new Builder(model, model.config);
  const { g, cfg } = x;
  const l = model.vocabs.relations.length;
  const T = model.vocabs.ner.length;
  const heads = new Heads(x, l);
  const { ner, rel } = forwardWith(onnxOps(x, heads), cfg);
  g.output(ner, 'ner', FLOAT, ['nB', T]);
  g.output(rel.a, 'a', FLOAT, ['n', 'B', l]);
  g.output(rel.c, 'c', FLOAT, ['n', 'B', l]);
  g.output(heads.bias, 'bias', FLOAT, [l]);
  return g.toBytes({
    name: 'rin',
    docString: 'RIN (Sun et al., EMNLP 2020) forward pass: time-major batch in, NER and separable RE logits out (see rin src/onnx/export.ts).',
    properties: { rinCodeVersion: codeVersion(), relations: JSON.stringify(model.vocabs.relations), nerTags: JSON.stringify(model.vocabs.ner), config: JSON.stringify(cfg) },
  });
}

/** The paper's blocks as ONNX nodes, fused where weights are constants (see each function). */
function onnxOps(x: Builder, heads: Heads): ModelOps<string, { a: string; c: string }> {
  const { g, cfg } = x;
  let hInt: string | undefined; // W_h H + b_a: H does not change, so it is computed once for all rounds
  return {
    encode: () => biLstm(x, inputFeatures(x)), // [n*B, hiddenDim]
    taskFeatures(H) {
      // Eq. 11: fr and fg side by side, one Gemm (ORT fuses the ReLU into it), then cut in two.
      const f = g.op('Relu', [g.op('Gemm', [H, constant(x, hcat([block(x, 'fr.W'), block(x, 'fg.W')])), constant(x, hcat([block(x, 'fr.b'), block(x, 'fg.b')]), true)])]); // [n*B, 2d]
      const [hRel, hEnt] = halves(x, f, cfg.taskDim); // [n*B, d] each
      return { hRel, hEnt };
    },
    nerLogits: (hEnt) => heads.ner(hEnt), // [n*B, T]
    softmax: (t) => g.op('Softmax', [t], { axis: 1 }), // ȳ [n*B, T]
    relationSummary(hRel) {
      const { a, c } = heads.rel(hRel, true); // a + bias, c [n, B, l]
      return relationSummary(x, a, c, heads.l); // ŷ [n*B, l]
    },
    interaction: (yRel, yEnt, H) => interaction(x, yRel, yEnt, (hInt ??= interactionBase(x, H))), // [n*B, dx]
    update: (kind, u, h, X) => (kind === 'linear' ? x.dense(h, x.param(`${u}.W`), x.param(`${u}.b`)) : (kind === 'gru' ? gru : rnn)(x, u, h, X!)), // [n*B, d]
    relLogits: (hRel) => heads.rel(hRel), // a, c [n, B, l]
  };
}

/** One position's input: word ⊕ POS ⊕ characters ⊕ shape (model/encoder.ts inputFeatures), [n*B, in]. */
function inputFeatures(x: Builder): string {
  const { g, cfg } = x;
  const ids = (name: string) => g.op('Reshape', [name, g.ints('flat', [-1])]); // [n*B]
  let word = g.op('Gather', [x.param('emb.word'), ids('words')]); // [n*B, wordDim]
  if (cfg.wordInput === 'open') {
    // Frozen pre-trained row (given per batch) + trained correction (row 0 is zero).
    word = g.op('Add', [x.flat(g.input('vectors', FLOAT, ['n', 'B', cfg.wordDim]), cfg.wordDim), word]); // [n*B, wordDim]
  }
  const parts = [word, g.op('Gather', [x.param('emb.pos'), ids('pos')])]; // [n*B, posDim]
  if (cfg.charDim > 0) parts.push(g.op('Gather', [charCnn(x), ids(g.input('charWord', INT32, ['n', 'B']))])); // [n*B, F]
  if (cfg.shapeFeatures) parts.push(x.flat(g.input('shape', FLOAT, ['n', 'B', SHAPE_SIZE]), SHAPE_SIZE)); // [n*B, S]
  if (cfg.subwordEncoder !== 'none') parts.push(x.flat(g.input('subword', FLOAT, ['n', 'B', SUBWORD_DIM]), SUBWORD_DIM)); // [n*B, 512], computed by tfjs (features/subword.ts)
  return g.op('Concat', parts, { axis: 1 }); // [n*B, in]
}

/**
 * Char CNN over the batch's distinct words (encoder.ts charFeatures): windows of CHAR_WIDTH
 * character ids (padded with id 0, whose row is zero), ReLU(W · window + b), max over the
 * word's real characters. Returns [U, F].
 */
function charCnn(x: Builder): string {
  const { g } = x;
  const chars = g.input('chars', INT32, ['U', 'L']);
  const half = (CHAR_WIDTH - 1) / 2;
  const padded = g.op('Pad', [chars, g.ints('charPads', [0, half, 0, half])]); // [U, L+2h] (constant 0)
  const emb = g.op('Gather', [x.param('emb.char'), padded]); // [U, L+2h, c]
  const windows = Array.from({ length: CHAR_WIDTH }, (_, k) => {
    const end = k - (CHAR_WIDTH - 1); // negative: counts from the end; 0 means "to the end"
    return g.op('Slice', [emb, g.ints(`win${k}s`, [k]), g.ints(`win${k}e`, [end === 0 ? 2 ** 31 - 1 : end]), g.ints('axis1', [1])]); // [U, L, c]
  });
  const win = g.op('Concat', windows, { axis: 2 }); // [U, L, w*c]
  const conv = g.op('Relu', [g.op('Add', [g.op('MatMul', [win, x.param('char.W')]), x.param('char.b')])]); // [U, L, F]
  const inWord = g.op('Unsqueeze', [g.op('Cast', [g.op('Cast', [chars], { to: BOOL })], { to: FLOAT }), g.ints('axis2', [2])]); // [U, L, 1]
  // ReLU output is ≥ 0, so zeroing the padding never changes a word's max.
  return g.op('ReduceMax', [g.op('Mul', [conv, inWord])], { axes: [1], keepdims: 0 }); // [U, F]
}

/**
 * The BiLSTM (§4.4) as ONNX's LSTM op, both directions, each sentence run over its own length
 * (the reverse direction starts at its last real word, as the wasm path's mask does). Our
 * gates are stored [i f g o]; ONNX wants [i o f c] and weights transposed, [dirs, 4h, in].
 * Returns H = [h_fw | h_bw], [n*B, 2h].
 */
function biLstm(x: Builder, input: string): string {
  const { g, cfg } = x;
  const h = cfg.hiddenDim / 2;
  const iofc = [0, 3, 1, 2]; // ONNX gate k is our gate iofc[k]
  const stack = (m: 'W' | 'U') => {
    const parts = (['fw', 'bw'] as const).map((d) => x.w(`lstm.${d}.${m}`));
    const rows = parts[0].shape[0];
    const out = new Float32Array(2 * 4 * h * rows); // [2, 4h, rows]
    parts.forEach(({ values }, dir) => {
      for (let k = 0; k < 4; k++) for (let j = 0; j < h; j++) for (let r = 0; r < rows; r++) out[((dir * 4 + k) * h + j) * rows + r] = values[r * 4 * h + iofc[k] * h + j];
    });
    return g.floats(`lstm.${m}`, out, [2, 4 * h, rows]);
  };
  const bias = new Float32Array(2 * 8 * h); // [2, 8h]: input biases, recurrent biases (zero)
  (['fw', 'bw'] as const).forEach((d, dir) => {
    const { values } = x.w(`lstm.${d}.b`);
    for (let k = 0; k < 4; k++) bias.set(values.subarray(iofc[k] * h, (iofc[k] + 1) * h), dir * 8 * h + k * h);
  });
  const lens = g.op('Cast', [g.op('ReduceSum', [x.mask, g.ints('axis0', [0])], { keepdims: 0 })], { to: INT32 }); // [B]
  const X = x.toSteps(input, -1); // [n, B, in]
  const [Y] = g.opN('LSTM', [X, stack('W'), stack('U'), g.floats('lstm.B', bias, [2, 8 * h]), lens], 1, { direction: 'bidirectional', hidden_size: h }); // [n, 2, B, h]
  return x.flat(g.op('Transpose', [Y], { perm: [0, 2, 1, 3] }), 2 * h); // [n*B, 2h]
}

/**
 * A weight [rows, cols] built at export time. Weights are constants, so blocks joined side by
 * side (or stacked) cost nothing at run time and turn several small products into one larger
 * one. `name` names the initializer, so a block used in every round is stored once.
 */
interface Block {
  name: string;
  values: Float32Array;
  rows: number;
  cols: number;
}

/** A parameter, or its rows [from, to), as a block (a vector is one row). */
function block(x: Builder, name: ParamName, from = 0, to?: number): Block {
  const { values, shape } = x.w(name);
  const cols = shape[shape.length - 1];
  const end = to ?? values.length / cols;
  if (from === 0 && to === undefined) return { name, values, rows: end, cols };
  return { name: `${name}[${from}:${end}]`, values: values.subarray(from * cols, end * cols), rows: end - from, cols };
}

/** Blocks side by side, [rows, Σ cols]. */
function hcat(blocks: Block[]): Block {
  const rows = blocks[0].rows;
  const cols = blocks.reduce((s, b) => s + b.cols, 0);
  const values = new Float32Array(rows * cols);
  let at = 0;
  for (const b of blocks) {
    for (let r = 0; r < rows; r++) values.set(b.values.subarray(r * b.cols, (r + 1) * b.cols), r * cols + at);
    at += b.cols;
  }
  return { name: `[${blocks.map((b) => b.name).join('|')}]`, values, rows, cols };
}

/** Blocks stacked, [Σ rows, cols]: the weight of the inputs' concatenation. */
function vcat(blocks: Block[]): Block {
  const values = new Float32Array(blocks.reduce((s, b) => s + b.values.length, 0));
  let at = 0;
  for (const b of blocks) {
    values.set(b.values, at);
    at += b.values.length;
  }
  return { name: `[${blocks.map((b) => b.name).join(';')}]`, values, rows: values.length / blocks[0].cols, cols: blocks[0].cols };
}

/** [[a, 0], [0, b]], [a.rows + b.rows, a.cols + b.cols]: two products of two inputs side by side as one. */
function blockDiag(a: Block, b: Block): Block {
  const cols = a.cols + b.cols;
  const values = new Float32Array((a.rows + b.rows) * cols);
  for (let r = 0; r < a.rows; r++) values.set(a.values.subarray(r * a.cols, (r + 1) * a.cols), r * cols);
  for (let r = 0; r < b.rows; r++) values.set(b.values.subarray(r * b.cols, (r + 1) * b.cols), (a.rows + r) * cols + a.cols);
  return { name: `diag(${a.name},${b.name})`, values, rows: a.rows + b.rows, cols };
}

/** A block as an initializer: a matrix, or (asVector, one row) a vector, as a Gemm's bias. */
function constant(x: Builder, b: Block, asVector = false): string {
  return x.g.floats(b.name, b.values, asVector ? [b.cols] : [b.rows, b.cols]);
}

/** t [N, 2k] cut into its two column halves (one Split node). */
function halves(x: Builder, t: string, k: number): [string, string] {
  const [p, q] = x.g.opN('Split', [t, x.g.ints(`halves${k}`, [k, k])], 2, { axis: 1 }); // [N, k] each
  return [p, q];
}

/** The two heads (Eq. 8-10), their weights shared by every round. */
class Heads {
  readonly bias: string;

  constructor(
    private readonly x: Builder,
    readonly l: number,
  ) {
    this.bias = x.param('re.b'); // [l]
  }

  /** Eq. 8 before the softmax, [n*B, T]. */
  ner(hEnt: string): string {
    return this.x.dense(hEnt, this.x.param('ner.W'), this.x.param('ner.b')); // [n*B, T]
  }

  /**
   * Eq. 9-10, separable: logit[i, t, j] = a[i, t] + c[j, t] + bias[t]; a, c [n, B, l]. m =
   * ReLU(h̃ [W_m | W_r]) is one Gemm (a Gemm without bias, so ORT fuses the ReLU into it), and
   * a ⊕ c = m · diag(W_p1, W_p2) one more, cut in two. With `biased` (the rounds), a holds
   * a + bias, the sum Eq. 1 takes, the bias added by that Gemm; the outputs keep it apart.
   */
  rel(hRel: string, biased = false): { a: string; c: string } {
    const { x, l } = this;
    const { g } = x;
    const m = g.op('Relu', [g.op('Gemm', [hRel, constant(x, hcat([block(x, 're.Wm'), block(x, 're.Wr')]))])]); // [n*B, 2r]
    const Wp = constant(x, blockDiag(block(x, 're.Wp1'), block(x, 're.Wp2'))); // [2r, 2l]
    const bias = () => constant(x, hcat([block(x, 're.b'), { name: `0[${l}]`, values: new Float32Array(l), rows: 1, cols: l }]), true); // [2l]: b, then 0 for c
    const [a, c] = halves(x, biased ? g.op('Gemm', [m, Wp, bias()]) : g.op('MatMul', [m, Wp]), l); // [n*B, l] each
    return { a: x.toSteps(a, l), c: x.toSteps(c, l) }; // [n, B, l] each
  }
}

/**
 * Eq. 1-2 (interaction.ts relationSummary, engine/ops.ts maxOverOtherWords): ŷ[i, t] =
 * sigmoid(a[i, t] + bias[t] + max over the other real words j of c[j, t]); NO_OBJECT when there
 * is none. The max over j ≠ i is the max over all j, except at the arg-max itself, where it is
 * the max over the rest. `aBias` is a + bias. Returns [n*B, l].
 */
function relationSummary(x: Builder, aBias: string, c: string, l: number): string {
  const { g, cfg } = x;
  const none = g.scalar('none', NONE);
  // c + NONE at padding (|c| is far below NONE's rounding step, so the sum is NONE), c + 0 at
  // real words: a broadcast Add, cheaper than a Where.
  const padding = g.op('Unsqueeze', [g.op('Mul', [g.op('Sub', [g.scalar('oneF', 1), x.mask]), none]), x.g.ints('axis2', [2])]); // [n, B, 1]
  const cReal = g.op('Add', [c, padding]); // [n, B, l]
  const best = g.op('ReduceMax', [cReal], { axes: [0], keepdims: 1 }); // [1, B, l]
  let m = best;
  if (!cfg.selfPairs) {
    const arg = g.op('ArgMax', [cReal], { axis: 0, keepdims: 1 }); // [1, B, l], first of equals, as the JS max
    const at = g.op('Reshape', [g.op('Range', [g.ints('zero', [0], []), x.n, g.ints('one', [1], [])]), g.ints('col3', [-1, 1, 1])]); // [n, 1, 1]
    const isArg = g.op('Equal', [at, arg]); // [n, B, l]
    const second = g.op('ReduceMax', [g.op('Where', [isArg, none, cReal])], { axes: [0], keepdims: 1 }); // [1, B, l]
    m = g.op('Where', [isArg, second, best]); // [n, B, l]
  }
  m = g.op('Where', [g.op('Less', [m, g.scalar('noneBelow', NONE / 10)]), g.scalar('noObject', NO_OBJECT), m]); // [n, B, l]
  return x.flat(g.op('Sigmoid', [g.op('Add', [aBias, m])]), l); // [n*B, l]
}

/** W_h H + b_a, or b_a alone (RIN−H), [n*B, dx] or [dx]: computed once for all rounds. */
function interactionBase(x: Builder, H: string): string {
  return x.cfg.intUsesH ? x.dense(H, x.param('int.Wh'), x.param('int.b')) : x.param('int.b');
}

/**
 * Eq. 3: x = ReLU(W_a (ŷ ⊕ ȳ ⊕ h) + b_a); an ablated input's block is left out. ŷ ⊕ ȳ is narrow
 * (l + T columns, a cheap copy): one Gemm of it with the blocks stacked, adding W_h H + b_a.
 * Returns [n*B, dx].
 */
function interaction(x: Builder, yRel: string, yEnt: string, hInt: string): string {
  const { g, cfg } = x;
  const ins: [string, ParamName][] = [];
  if (cfg.intUsesRel) ins.push([yRel, 'int.Wrel']);
  if (cfg.intUsesEnt) ins.push([yEnt, 'int.Went']);
  let s = hInt;
  if (ins.length) {
    const y =
      ins.length === 1
        ? ins[0][0]
        : g.op(
            'Concat',
            ins.map(([t]) => t),
            { axis: 1 },
          ); // [n*B, l+T]
    s = g.op('Gemm', [y, constant(x, vcat(ins.map(([, w]) => block(x, w)))), hInt]); // [n*B, dx]
  } else if (!cfg.intUsesH) s = g.op('Add', [g.op('Mul', [g.op('ReduceSum', [yEnt, g.ints('axis1', [1])]), g.scalar('zeroF', 0)]), s]); // nothing in: ReLU(b_a) at each position
  return g.op('Relu', [s]); // [n*B, dx]
}

/**
 * Eq. 4-7 for one updater: z, u = σ(W (h ⊕ x)); h' = (1 − z) h + z tanh(W_o (u h ⊕ x)). z and u
 * are one Gemm of h ⊕ X with [W_z | W_u] (K = d + dx, no bias: ORT fuses the sigmoid and runs
 * it all on both threads), then cut. W_o's h rows meet u h, known only then: X W_o,bottom is
 * the bias of that Gemm.
 */
function gru(x: Builder, u: ParamGroup, h: string, X: string): string {
  const { g } = x;
  const d = x.cfg.taskDim;
  const hx = g.op('Concat', [h, X], { axis: 1 }); // [N, d+dx]
  const [z, gate] = halves(x, g.op('Sigmoid', [g.op('Gemm', [hx, constant(x, hcat([block(x, `${u}.Wz`), block(x, `${u}.Wu`)]))])]), d); // Eq. 4-5 [N, d] each
  const xWo = g.op('MatMul', [X, constant(x, block(x, `${u}.Wo`, d))]); // [N, d]
  const cand = g.op('Tanh', [g.op('Gemm', [g.op('Mul', [gate, h]), constant(x, block(x, `${u}.Wo`, 0, d)), xWo])]); // Eq. 6 [N, d]
  return g.op('Add', [h, g.op('Mul', [z, g.op('Sub', [cand, h])])]); // Eq. 7 [N, d]
}

/** Fig. 3 "RIN (RNN)": h' = tanh(W (h ⊕ x) + b), one Gemm of the concatenation. */
function rnn(x: Builder, u: ParamGroup, h: string, X: string): string {
  const { g } = x;
  return g.op('Tanh', [g.op('Gemm', [g.op('Concat', [h, X], { axis: 1 }), x.param(`${u}.W`), x.param(`${u}.b`)])]); // [N, d]
}
