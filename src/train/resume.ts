/**
 * Start a run or continue one: a new model and optimiser, or the checkpoint's, with the rule
 * that a resumed run keeps its checkpoint's settings except how long it may go on.
 */
import * as tf from '@tensorflow/tfjs';
import type { Dataset } from '../data/types.ts';
import type { RinModel } from '../io/modelDir.ts';
import type { ModelConfig, TrainConfig } from '../model/config.ts';
import { Rng } from '../engine/rng.ts';
import { type TrainState, hasCheckpoint, loadCheckpoint } from './checkpoint.ts';
import { type VectorOptions, newModel } from './newModel.ts';

export interface RunStart {
  model: RinModel;
  opt: tf.AdamOptimizer;
  state: TrainState;
}

export interface StartOptions {
  ckDir: string;
  resume: boolean;
  preset: string;
  /** The settings asked for: the preset's with the user's on top. */
  model: ModelConfig;
  training: TrainConfig;
  /** Only what the user gave explicitly (for the note on ignored settings when resuming). */
  given: { model: Partial<ModelConfig>; training: Partial<TrainConfig> };
  vectors: VectorOptions;
}

export function startRun(o: StartOptions, trainSet: Dataset, log: (line: string) => void): RunStart {
  if (o.resume && hasCheckpoint(o.ckDir)) return resumeRun(o, log);
  if (!o.resume && hasCheckpoint(o.ckDir)) log(`note: ${o.ckDir} exists and will be overwritten (use --resume to continue it)`);
  const model = newModel(o.model, o.training, trainSet, o.vectors, o.preset, log);
  const state: TrainState = { epoch: 0, rngState: new Rng(model.train.seed + 1).state, bestF1: -1, bestEpoch: 0, badEpochs: 0, history: [] };
  return { model, opt: tf.train.adam(model.train.lr), state };
}

function resumeRun(o: StartOptions, log: (line: string) => void): RunStart {
  const { model, opt, state } = loadCheckpoint(o.ckDir, o.training.lr, { embeddings: o.vectors.embeddings, log });
  const { epochs, patience, ...other } = o.given.training;
  model.train = { ...model.train, ...(epochs !== undefined ? { epochs } : {}), ...(patience !== undefined ? { patience } : {}) };
  const differ = (given: object, kept: object) => Object.entries(given).filter(([k, x]) => x !== undefined && JSON.stringify(x) !== JSON.stringify((kept as Record<string, unknown>)[k])).map(([k]) => k);
  const ignored = [...differ(other, model.train), ...differ(o.given.model, model.config)];
  if (ignored.length) log(`note: resuming keeps the checkpoint's settings; ignored: ${ignored.join(', ')}`);
  log(`resuming from ${o.ckDir}: ${state.epoch} epochs done, best dev F1 ${(100 * state.bestF1).toFixed(2)} at epoch ${state.bestEpoch}`);
  return { model, opt, state };
}
