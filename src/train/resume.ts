/**
 * Start a run or continue one: a new model and optimiser, or the checkpoint's. A resumed run
 * keeps every setting of its checkpoint; only how long it may go on (epochs, patience) and the
 * learning rate can be changed, and each change is logged. Any other setting given with a
 * value other than the checkpoint's is refused, since the run could not honour it.
 */
import type { Dataset } from '../core/types.ts';
import { UserError } from '../core/errors.ts';
import type { RinModel } from '../io/modelDir.ts';
import type { ModelConfig, TrainConfig } from '../model/config.ts';
import { disposeParams } from '../model/params.ts';
import { Rng } from '../engine/rng.ts';
import { Adam } from './adam.ts';
import { type TrainState, loadCheckpoint } from './checkpoint.ts';
import { type VectorOptions, newModel } from './newModel.ts';

export interface RunStart {
  model: RinModel;
  opt: Adam;
  state: TrainState;
}

export interface StartOptions {
  ckDir: string;
  resume: boolean;
  preset: string;
  /** The settings asked for: the preset's with the user's on top. */
  model: ModelConfig;
  training: TrainConfig;
  /** Only what the user gave explicitly: when resuming, the overrides. */
  given: { model: Partial<ModelConfig>; training: Partial<TrainConfig> };
  vectors: VectorOptions;
}

/** Settings a resumed run may change: they do not alter what was learnt so far or the data it sees. */
const CHANGEABLE = ['epochs', 'patience', 'lr'] as const;

export function startRun(o: StartOptions, trainSet: Dataset, log: (line: string) => void): RunStart {
  if (o.resume) return resumeRun(o, log);
  const model = newModel(o.model, o.training, trainSet, o.vectors, o.preset, log);
  const state: TrainState = { epoch: 0, rngState: new Rng(model.train.seed + 1).state, bestF1: -1, bestEpoch: 0, badEpochs: 0, history: [] };
  return { model, opt: new Adam(model.params, model.train.lr), state };
}

const show = (x: unknown) => JSON.stringify(x);

/** [key, checkpoint's value, given value] for every given setting that differs. */
function differences(given: object, kept: object): [string, unknown, unknown][] {
  return Object.entries(given)
    .filter(([k, x]) => x !== undefined && show(x) !== show((kept as Record<string, unknown>)[k]))
    .map(([k, x]) => [k, (kept as Record<string, unknown>)[k], x]);
}

function resumeRun(o: StartOptions, log: (line: string) => void): RunStart {
  const { model, opt, state } = loadCheckpoint(o.ckDir, { embeddings: o.vectors.embeddings, log });
  const diffs = [...differences(o.given.training, model.train), ...differences(o.given.model, model.config)];
  const fixed = diffs.filter(([k]) => !(CHANGEABLE as readonly string[]).includes(k));
  if (fixed.length) {
    opt.dispose();
    disposeParams(model.params);
    const list = fixed.map(([k, kept, given]) => `${k} ${show(kept)} in the checkpoint, ${show(given)} given`).join('; ');
    throw new UserError(`cannot resume ${o.ckDir} with other settings (${list}); only ${CHANGEABLE.join(', ')} can change: drop the others, or start a new run with --overwrite`);
  }
  const overridden = diffs.map(([k, kept, given]) => `${k} ${show(kept)} → ${show(given)}`);
  model.train = { ...model.train, ...Object.fromEntries(diffs.map(([k, , given]) => [k, given])) };
  opt.lr = model.train.lr;
  log(
    `resuming from ${o.ckDir}: ${state.epoch} epochs done, best dev F1 ${(100 * state.bestF1).toFixed(2)} at epoch ${state.bestEpoch}; settings from the checkpoint${overridden.length ? `; overridden: ${overridden.join(', ')}` : ''}`,
  );
  return { model, opt, state };
}
