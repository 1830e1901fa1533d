/**
 * Training checkpoints: everything needed to continue a killed run exactly where the last
 * finished epoch left it — model (as a model directory), optimiser moments, RNG state, history.
 * Written atomically after every epoch.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { UserError } from '../data/types.ts';
import { type LoadModelOptions, type RinModel, loadModel, saveModel } from '../io/modelDir.ts';
import { writeFileAtomic } from '../io/atomic.ts';
import { packWeights, unpackWeights } from '../io/weights.ts';

export interface EpochRecord {
  epoch: number;
  loss: number;
  nerLoss: number;
  relLoss: number;
  seconds: number;
  sentencesPerSecond: number;
  dev: { precision: number; recall: number; f1: number; nerF1: number; partialF1: number; exactF1?: number; entityF1?: number; boundariesF1?: number };
  best: boolean;
}

export interface TrainState {
  /** Epochs finished. */
  epoch: number;
  rngState: number;
  bestF1: number;
  bestEpoch: number;
  badEpochs: number;
  history: EpochRecord[];
}

export function saveCheckpoint(dir: string, model: RinModel, opt: tf.AdamOptimizer, state: TrainState): void {
  saveModel(join(dir, 'model'), model);
  // Adam's own getWeights() is async; its moments are plain variables we can read directly.
  const named = optimizerTensors(opt);
  const { manifest, data } = packWeights(named);
  writeFileAtomic(join(dir, 'optimizer.bin'), data);
  // state.json last: it names an epoch only once that epoch's files are all in place.
  writeFileAtomic(join(dir, 'state.json'), JSON.stringify({ ...state, optimizer: manifest }, null, 1) + '\n');
}

type AdamInternals = {
  iterations_: number;
  accumulatedFirstMoment: { originalName: string; variable: tf.Variable }[];
  accumulatedSecondMoment: { originalName: string; variable: tf.Variable }[];
  accBeta1: tf.Variable;
  accBeta2: tf.Variable;
};

function optimizerTensors(opt: tf.AdamOptimizer): { name: string; tensor: tf.Tensor }[] {
  const o = opt as unknown as AdamInternals;
  return [
    { name: 'accBeta1', tensor: o.accBeta1 },
    { name: 'accBeta2', tensor: o.accBeta2 },
    ...o.accumulatedFirstMoment.map((m, i) => ({ name: `m${i}`, tensor: m.variable })),
    ...o.accumulatedSecondMoment.map((m, i) => ({ name: `v${i}`, tensor: m.variable })),
  ];
}

export function hasCheckpoint(dir: string): boolean {
  return existsSync(join(dir, 'state.json'));
}

/** Load a checkpoint; the optimiser is rebuilt with its moments in parameter order. */
export function loadCheckpoint(dir: string, lr: number, load: LoadModelOptions = {}): { model: RinModel; opt: tf.AdamOptimizer; state: TrainState } {
  const file = join(dir, 'state.json');
  let raw: TrainState & { optimizer: { name: string; shape: number[]; offset: number }[] };
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new UserError(`${file}: corrupt checkpoint (${(e as Error).message}); delete the checkpoint folder to start over`);
  }
  const model = loadModel(join(dir, 'model'), load);
  const values = unpackWeights(raw.optimizer, readFileSync(join(dir, 'optimizer.bin')), join(dir, 'optimizer.bin'));
  const opt = tf.train.adam(lr);
  const o = opt as unknown as AdamInternals;
  const vars = [...model.params.values()].filter((v) => v.trainable);
  const t = (name: string) => {
    const w = values.get(name);
    if (!w) throw new UserError(`${dir}: corrupt checkpoint (optimizer.bin has no ${name})`);
    return tf.tensor(w.values, w.shape);
  };
  if (values.has('m0')) {
    o.accBeta1.assign(t('accBeta1'));
    o.accBeta2.assign(t('accBeta2'));
    o.accumulatedFirstMoment = vars.map((v, i) => ({ originalName: `${v.name}/m`, variable: tf.variable(t(`m${i}`), false) }));
    o.accumulatedSecondMoment = vars.map((v, i) => ({ originalName: `${v.name}/v`, variable: tf.variable(t(`v${i}`), false) }));
  }
  const { optimizer: _omit, ...state } = raw;
  return { model, opt, state };
}
