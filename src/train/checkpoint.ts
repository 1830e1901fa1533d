/**
 * Training checkpoints: everything needed to continue a killed run exactly where the last
 * finished epoch left it — model (as a model directory), optimiser moments by parameter name
 * (adam.ts), RNG state, history. Written atomically after every epoch.
 * A kill between writing the files and writing state.json must not pair one epoch's weights
 * with another's state: state.json names its files by checksum, and the previous epoch's files
 * stay aside (model.prev, optimizer.prev.bin) until the new state.json is in place.
 */
import { existsSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../core/errors.ts';
import { type LoadModelOptions, type RinModel, readModelDir, saveModel, sha256 } from '../io/modelDir.ts';
import { writeFileAtomic } from '../core/atomic.ts';
import { type WeightSpec, packWeights, unpackWeights } from '../io/weights.ts';
import { disposeParams } from '../model/params.ts';
import { Adam, type SavedMoments } from './adam.ts';
import type { EpochRecord } from './history.ts';

export type { EpochRecord } from './history.ts';

export interface TrainState {
  /** Epochs finished. */
  epoch: number;
  rngState: number;
  bestF1: number;
  bestEpoch: number;
  badEpochs: number;
  history: EpochRecord[];
}

/** What state.json holds besides the TrainState: the optimiser's step count and where its moments sit in optimizer.bin. */
interface AdamRecord {
  step: number;
  /** `NAME/m` and `NAME/v` for each trainable parameter NAME. */
  moments: WeightSpec[];
}

/** The files state.json belongs with (absent in checkpoints from before it). */
interface FileSums {
  weightsSha256: string;
  optimizerSha256: string;
}

/** [current, kept-aside] paths of the model directory and of the optimiser's moments. */
const MODEL = ['model', 'model.prev'];
const OPTIMIZER = ['optimizer.bin', 'optimizer.prev.bin'];

export function saveCheckpoint(dir: string, model: RinModel, opt: Adam, state: TrainState): void {
  // The current files are the ones state.json names (loadCheckpoint restores them so): keep them aside.
  for (const [cur, prev] of [MODEL, OPTIMIZER]) {
    rmSync(join(dir, prev), { recursive: true, force: true });
    if (existsSync(join(dir, cur))) renameSync(join(dir, cur), join(dir, prev));
  }
  const { weightsSha256 } = saveModel(join(dir, 'model'), model);
  const { manifest, data } = packWeights(opt.named());
  writeFileAtomic(join(dir, 'optimizer.bin'), data);
  const adam: AdamRecord = { step: opt.step, moments: manifest };
  const files: FileSums = { weightsSha256, optimizerSha256: sha256(data) };
  // state.json last: it names an epoch only once that epoch's files are all in place.
  writeFileAtomic(join(dir, 'state.json'), JSON.stringify({ ...state, adam, files }, null, 1) + '\n');
  for (const prev of [MODEL[1], OPTIMIZER[1]]) rmSync(join(dir, prev), { recursive: true, force: true });
}

/** The weights checksum a model directory's model.json records (undefined: no readable one). */
function modelSum(modelDir: string): string | undefined {
  try {
    return JSON.parse(readFileSync(join(modelDir, 'model.json'), 'utf8')).weightsSha256;
  } catch {
    return undefined;
  }
}

function fileSum(file: string): string | undefined {
  return existsSync(file) ? sha256(readFileSync(file)) : undefined;
}

/**
 * Of the current and kept-aside files, put the ones state.json names in the current place (a run
 * killed while saving left them aside). Older checkpoints, without checksums, are taken as they are.
 */
function restoreNamed(dir: string, files: FileSums | undefined, file: string): void {
  if (!files) return;
  const pick = (names: string[], sum: (p: string) => string | undefined, want: string, what: string) => {
    const k = names.findIndex((n) => sum(join(dir, n)) === want);
    if (k < 0) throw new UserError(`${file}: the ${what} of this checkpoint are missing or do not match it (damaged, or the run was stopped while saving an older version); ${START_OVER}`);
    if (k === 1) {
      rmSync(join(dir, names[0]), { recursive: true, force: true });
      renameSync(join(dir, names[1]), join(dir, names[0]));
    }
  };
  pick(MODEL, modelSum, files.weightsSha256, 'model weights');
  pick(OPTIMIZER, fileSum, files.optimizerSha256, 'optimiser moments');
}

export function hasCheckpoint(dir: string): boolean {
  return existsSync(join(dir, 'state.json'));
}

const START_OVER = 'start a new run (drop --resume, add --overwrite)';

/** Load a checkpoint: the model, the optimiser (at the model's learning rate) and the run's state. */
export function loadCheckpoint(dir: string, load: LoadModelOptions = {}): { model: RinModel; opt: Adam; state: TrainState } {
  const file = join(dir, 'state.json');
  let raw: TrainState & { adam?: AdamRecord; files?: FileSums; optimizer?: unknown };
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new UserError(`${file}: corrupt checkpoint (${(e as Error).message}); ${START_OVER}`);
  }
  // Before adam.ts, tfjs's moments were saved by position (m0, v0, ...): nothing to check them against.
  if (!raw.adam) throw new UserError(`${file}: checkpoint from an older rin (optimiser state without parameter names) cannot be resumed safely; ${START_OVER}`);
  const { adam, files, optimizer: _old, ...state } = raw;
  restoreNamed(dir, files, file);
  const moments = readMoments(dir, adam);
  const model = readModelDir(join(dir, 'model'), load);
  try {
    return { model, opt: Adam.restore(model.params, model.train.lr, adam.step, moments, dir), state };
  } catch (e) {
    disposeParams(model.params);
    throw e;
  }
}

/** optimizer.bin as parameter name → {shape, m, v}. */
function readMoments(dir: string, adam: AdamRecord): Map<string, SavedMoments> {
  const bin = join(dir, 'optimizer.bin');
  let values: Map<string, { shape: number[]; values: Float32Array }>;
  try {
    values = unpackWeights(adam.moments, readFileSync(bin), bin);
  } catch (e) {
    throw new UserError(`corrupt checkpoint: ${(e as Error).message}; ${START_OVER}`);
  }
  const out = new Map<string, SavedMoments>();
  for (const [key, w] of values) {
    const [, name, which] = /^(.*)\/([mv])$/.exec(key) ?? [];
    if (!name) throw new UserError(`${bin}: corrupt checkpoint (unexpected entry "${key}"); ${START_OVER}`);
    const entry = out.get(name) ?? { shape: w.shape, m: new Float32Array(0), v: new Float32Array(0) };
    entry[which as 'm' | 'v'] = w.values;
    out.set(name, entry);
  }
  for (const [name, e] of out) if (e.m.length !== e.v.length || !e.m.length) throw new UserError(`${bin}: corrupt checkpoint (parameter "${name}" lacks m or v); ${START_OVER}`);
  return out;
}
