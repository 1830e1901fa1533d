/**
 * The whole model once, for every engine: forwardWith(ops, config) → logits, where `ops` runs
 * each block of the paper on one engine (tfjs below, ONNX nodes in onnx/export.ts).
 *
 *   H = BiLSTM(word ⊕ POS)                                   (§4.4)
 *   H̃(0) = fr(H), H̄(0) = fg(H)                               (Eq. 11)
 *   for k in 0..K-1:
 *     ȳ(k) = softmax(Cg(H̄(k)))  ŷ(k) = max_j Cr(H̃(k))          (Eq. 8, 9-10, 1-2)
 *     X(k) = INT(ŷ(k), ȳ(k), H)                              (Eq. 3)
 *     H̃(k+1) = GRUr(H̃(k), X(k)),  H̄(k+1) = GRUg(H̄(k), X(k))   (Eq. 4-7)
 *   logits = Cg(H̄(K)), Cr(H̃(K))                              (the loss uses the final round only)
 */
import * as tf from '@tensorflow/tfjs';
import { type ModelConfig, effectiveRounds } from './config.ts';
import type { Batch } from './batch.ts';
import { encode, taskFeatures } from './encoder.ts';
import { type RelLogits, nerLogits, relLogits } from './heads.ts';
import { gruUpdate, interaction, linearUpdate, relationSummary, rnnUpdate } from './interaction.ts';
import type { ParamGroup, Params } from './params.ts';

/**
 * The paper's blocks on one engine; T is that engine's tensor (a tf.Tensor, or the name of an
 * ONNX node). Each engine may fuse inside a block; the order of the blocks is forwardWith's.
 */
export interface ModelOps<T, R> {
  /** H, [n*B, hiddenDim] (§4.4, with the input features the config names). */
  encode(): T;
  /** Eq. 11: H̃ and H̄, [n*B, d] each. */
  taskFeatures(H: T): { hRel: T; hEnt: T };
  /** Eq. 8 before the softmax, [n*B, T]. */
  nerLogits(hEnt: T): T;
  /** ȳ: the softmax of NER logits over the tags. */
  softmax(logits: T): T;
  /** Eq. 1-2 on Eq. 9-10: ŷ [n*B, l], from H̃. */
  relationSummary(hRel: T): T;
  /** Eq. 3: X [n*B, dx]. */
  interaction(yRel: T, yEnt: T, H: T): T;
  /** Eq. 4-7 (GRU), Fig. 3's RNN, or Table 5's linear map (which reads no X). */
  update(kind: 'gru' | 'rnn' | 'linear', group: ParamGroup, h: T, x?: T): T;
  /** Eq. 9-10, the output: the separable RE logits. */
  relLogits(hRel: T): R;
}

export function forwardWith<T, R>(ops: ModelOps<T, R>, cfg: ModelConfig): { ner: T; rel: R } {
  const H = ops.encode(); // [n*B, hiddenDim]
  if (cfg.variant === 'bilstm') return { ner: ops.nerLogits(H), rel: ops.relLogits(H) };
  let { hRel, hEnt } = ops.taskFeatures(H); // [n*B, d] each
  for (let k = 0; k < effectiveRounds(cfg); k++) {
    if (cfg.variant === 'rin_linear') {
      hRel = ops.update('linear', 'updR', hRel); // [n*B, d]
      hEnt = ops.update('linear', 'updG', hEnt); // [n*B, d]
      continue;
    }
    const yEnt = ops.softmax(ops.nerLogits(hEnt)); // ȳ(k) [n*B, T]
    const yRel = ops.relationSummary(hRel); // ŷ(k) [n*B, l]
    const x = ops.interaction(yRel, yEnt, H); // X(k) [n*B, dx]
    const kind = cfg.variant === 'rin' ? 'gru' : 'rnn';
    hRel = ops.update(kind, 'updR', hRel, x); // H̃(k+1) [n*B, d]
    hEnt = ops.update(kind, 'updG', hEnt, x); // H̄(k+1) [n*B, d]
  }
  return { ner: ops.nerLogits(hEnt), rel: ops.relLogits(hRel) };
}

export interface Logits extends RelLogits {
  /** NER logits (before the softmax of Eq. 8), time-major [n*B, T]. */
  ner: tf.Tensor2D;
}

/**
 * Inference, or training with dropout. A training call needs the seed of its dropout masks:
 * a default would repeat one mask at every step (vary the seed per step).
 */
export type ForwardOptions = { training: false } | { training: true; seed: number };

/** The blocks on tfjs (with rin's custom and native ops), for one batch. */
function tfOps(p: Params, cfg: ModelConfig, batch: Batch, opts: ForwardOptions): ModelOps<tf.Tensor2D, RelLogits> {
  const { n, B } = batch;
  return {
    encode: () => encode(p, cfg, batch, opts.training, opts.training ? opts.seed : 0),
    taskFeatures: (H) => taskFeatures(p, H),
    nerLogits: (hEnt) => nerLogits(p, hEnt),
    softmax: (logits) => tf.softmax(logits) as tf.Tensor2D,
    relationSummary: (hRel) => relationSummary(relLogits(p, hRel, n, B), batch.lengths, cfg.selfPairs),
    interaction: (yRel, yEnt, H) => interaction(p, cfg, yRel, yEnt, H),
    update: (kind, group, h, x) => (kind === 'linear' ? linearUpdate(p, group, h) : (kind === 'gru' ? gruUpdate : rnnUpdate)(p, group, h, x!)),
    relLogits: (hRel) => relLogits(p, hRel, n, B),
  };
}

export function forward(p: Params, cfg: ModelConfig, batch: Batch, opts: ForwardOptions): Logits {
  if (opts.training && !Number.isInteger(opts.seed)) throw new Error(`forward: training needs an integer seed for the dropout masks (vary it per step), got ${opts.seed}`);
  const { ner, rel } = forwardWith(tfOps(p, cfg, batch, opts), cfg);
  return { ner, ...rel };
}
