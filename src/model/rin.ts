/**
 * The whole model as one pure function: forward(params, config, batch) → logits.
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
import type { Params } from './params.ts';

export interface Logits extends RelLogits {
  /** NER logits (before the softmax of Eq. 8), time-major [n*B, T]. */
  ner: tf.Tensor2D;
}

/**
 * Inference, or training with dropout. A training call needs the seed of its dropout masks:
 * a default would repeat one mask at every step (vary the seed per step).
 */
export type ForwardOptions = { training: false } | { training: true; seed: number };

export function forward(p: Params, cfg: ModelConfig, batch: Batch, opts: ForwardOptions): Logits {
  const { n, B } = batch;
  if (opts.training && !Number.isInteger(opts.seed)) throw new Error(`forward: training needs an integer seed for the dropout masks (vary it per step), got ${opts.seed}`);
  const H = encode(p, cfg, batch, opts.training, opts.training ? opts.seed : 0); // [n*B, hiddenDim]
  if (cfg.variant === 'bilstm') {
    return { ner: nerLogits(p, H), ...relLogits(p, H, n, B) };
  }
  let { hRel, hEnt } = taskFeatures(p, H); // [n*B, d] each
  for (let k = 0; k < effectiveRounds(cfg); k++) {
    if (cfg.variant === 'rin_linear') {
      hRel = linearUpdate(p, 'updR', hRel); // [n*B, d]
      hEnt = linearUpdate(p, 'updG', hEnt); // [n*B, d]
      continue;
    }
    const yEnt = tf.softmax(nerLogits(p, hEnt)) as tf.Tensor2D; // ȳ(k) [n*B, T]
    const yRel = relationSummary(relLogits(p, hRel, n, B), batch.lengths, cfg.selfPairs); // ŷ(k) [n*B, l]
    const x = interaction(p, cfg, yRel, yEnt, H); // X(k) [n*B, dx]
    const update = cfg.variant === 'rin' ? gruUpdate : rnnUpdate;
    hRel = update(p, 'updR', hRel, x); // H̃(k+1) [n*B, d]
    hEnt = update(p, 'updG', hEnt, x); // H̄(k+1) [n*B, d]
  }
  return { ner: nerLogits(p, hEnt), ...relLogits(p, hRel, n, B) };
}
