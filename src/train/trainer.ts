/**
 * The training run: load the data, start or resume (resume.ts), then epochs (epoch.ts), each
 * followed by dev evaluation, model selection and early stopping on dev F1 (selection.ts), an
 * atomic checkpoint and a line of metrics.jsonl.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Encoder, type EncodeStats, describeStats, newStats } from '../features/encode.ts';
import { describeReport, type LoadOptions, loadDataset } from '../dataset/load.ts';
import type { Dataset, Problem } from '../core/types.ts';
import { UserError } from '../core/errors.ts';
import { initBackend } from '../engine/backend.ts';
import { nativeStatus } from '../engine/addon.ts';
import { Rng } from '../engine/rng.ts';
import { evaluate } from '../eval/evaluate.ts';
import { type RinModel, readModelDir, saveModel } from '../io/modelDir.ts';
import { writeFileAtomic } from '../core/atomic.ts';
import type { EncodedSentence } from '../core/types.ts';
import { type ModelConfig, type TrainConfig, modelConfig, trainConfig } from '../model/config.ts';
import { PRESETS, PRESET_NAMES, type PresetName } from '../model/presets.ts';
import { disposeParams } from '../model/params.ts';
import { saveCheckpoint } from './checkpoint.ts';
import type { EpochRecord } from './history.ts';
import { mentionWords, runEpochParallel, wordCounts } from './epoch.ts';
import { mentionPool } from '../features/augment.ts';
import { checkOut, claimOut } from './outDir.ts';
import { DataParallel } from './parallel.ts';
import { startRun } from './resume.ts';
import { epochLine, epochRecord, isBetter } from './selection.ts';
import type { VectorOptions } from './newModel.ts';

export interface TrainOptions extends VectorOptions {
  /** Training data file (any supported format). */
  train: string;
  /** Development data file: model selection and early stopping. */
  dev: string;
  /** Output folder: model/ (the best model), checkpoint/, metrics.jsonl. */
  out: string;
  /** The recipe the settings start from (model/presets.ts); default 'default'. */
  preset?: PresetName;
  model?: Partial<ModelConfig>;
  training?: Partial<TrainConfig>;
  load?: LoadOptions;
  /** Continue the run of out/checkpoint (an error if there is none). */
  resume?: boolean;
  /** Replace an earlier run's model in `out` (without it, training into such a folder is refused). */
  overwrite?: boolean;
  /**
   * Threads that share each batch (data-parallel, parallel.ts; default: all cores,
   * os.availableParallelism()). Any number gives one thread's run up to float rounding, and a
   * checkpoint does not depend on it: a run may resume with another.
   */
  threads?: number;
  /** Progress and messages go here (default: stderr). */
  log?: (line: string) => void;
  progress?: boolean;
}

export interface TrainResult {
  model: RinModel;
  history: EpochRecord[];
  bestEpoch: number;
  bestF1: number;
}

/** Encode, leaving out (and reporting) sentences longer than maxLength. */
function encodeAll(d: Dataset, enc: Encoder, cfg: ModelConfig, tc: TrainConfig, stats: EncodeStats, problems: Problem[]): EncodedSentence[] {
  const out: EncodedSentence[] = [];
  for (const s of d.sentences) {
    if (s.tokens.length > tc.maxLength) {
      problems.push({ ...s.source, message: `sentence has ${s.tokens.length} words, more than maxLength ${tc.maxLength}`, action: 'skipped' });
      continue;
    }
    out.push(enc.encode(s, { spans: d.spans, partialNer: tc.partialNer, selfPairs: cfg.selfPairs }, stats));
  }
  return out;
}

/** The preset's settings with the user's on top, validated. */
export function resolveSettings(o: Pick<TrainOptions, 'preset' | 'model' | 'training'>): { preset: PresetName; model: ModelConfig; training: TrainConfig } {
  const preset = o.preset ?? 'default';
  if (!PRESET_NAMES.includes(preset)) throw new UserError(`unknown preset "${preset}" (one of ${PRESET_NAMES.join(', ')})`);
  const p = PRESETS[preset];
  return { preset, model: modelConfig({ ...p.model, ...o.model }), training: trainConfig({ ...p.training, ...o.training }) };
}

export async function train(o: TrainOptions): Promise<TrainResult> {
  const log = o.log ?? ((l: string) => process.stderr.write(l + '\n'));
  // Cheap checks first: settings, then the output folder, before any data is read.
  const settings = resolveSettings(o);
  const threads = threadCount(o.threads);
  const outOpts = { resume: !!o.resume, overwrite: !!o.overwrite };
  const ckDir = checkOut(o.out, outOpts);
  const backend = await initBackend();
  const trainSet = loadDataset(o.train, o.load);
  const devSet = loadDataset(o.dev, o.load);
  log(describeReport(trainSet));
  log(describeReport(devSet));
  if (!trainSet.sentences.length) throw new UserError(`${o.train}: no usable training sentences`);
  const { model, opt, state } = startRun({ ckDir, resume: !!o.resume, ...settings, given: { model: o.model ?? {}, training: o.training ?? {} }, vectors: o }, trainSet, log);
  const { config: cfg, train: tc } = model;

  const releaseSubword = await prepareSubword(model, [trainSet, devSet], tc.maxLength, log, o.progress ?? true);
  const problems: Problem[] = [];
  const trainStats = newStats();
  const data = encodeAll(trainSet, new Encoder(model.vocabs, model.table, cfg.shapeFeatures, model.subword), cfg, tc, trainStats, problems);
  for (const p of problems) log(`${p.file} record ${p.record}: ${p.message} (${p.action})`);
  for (const l of describeStats(trainStats, 'train')) log(l);
  log(
    `backend ${backend}${engineNote(backend)}; preset ${model.meta.preset ?? 'paper'}; ${data.length} training sentences, ${model.vocabs.relations.length} relations, ${model.vocabs.words.length} words; variant ${cfg.variant}, K=${cfg.rounds}, seed ${tc.seed}; ${threads} thread${threads === 1 ? '' : 's'}`,
  );

  claimOut(o.out, outOpts, log);
  const noise = { counts: wordCounts(data), mentions: mentionWords(data), pool: mentionPool(data) };
  const rng = new Rng(0);
  rng.state = state.rngState;
  const dp = await DataParallel.start(model.params, cfg, threads, backend);
  try {
    while (state.epoch < tc.epochs && state.badEpochs < tc.patience) {
      const t0 = Date.now();
      const ep = await runEpochParallel(model, dp, opt, data, noise, rng, `epoch ${state.epoch + 1}/${tc.epochs}`, o.progress ?? true);
      const ev = evaluate(model, devSet.sentences, devSet.spans, { batchSize: 32, symmetric: devSet.symmetric });
      state.epoch++;
      const better = isBetter(ev.scores, state);
      const rec = epochRecord(state.epoch, ep, ev.scores, better, (Date.now() - t0) / 1000);
      state.history.push(rec);
      if (better) {
        state.bestF1 = ev.scores.triples.f1;
        state.bestEpoch = state.epoch;
        state.badEpochs = 0;
        model.meta.training = { train: o.train, dev: o.dev, epoch: state.epoch, dev_scores: rec.dev, backend };
        saveModel(join(o.out, 'model'), model);
      } else state.badEpochs++;
      state.rngState = rng.state;
      saveCheckpoint(ckDir, model, opt, state);
      writeFileAtomic(join(o.out, 'metrics.jsonl'), state.history.map((h) => JSON.stringify(h)).join('\n') + '\n');
      log(epochLine(rec, ev.scores));
    }
  } finally {
    await dp.close();
    releaseSubword();
  }
  if (!existsSync(join(o.out, 'model'))) saveModel(join(o.out, 'model'), model);
  log(`best dev F1 ${(100 * state.bestF1).toFixed(2)} at epoch ${state.bestEpoch}; model in ${join(o.out, 'model')}`);
  // Hand back the selected (best) model, not the last epoch's weights.
  disposeParams(model.params);
  opt.dispose();
  const best = readModelDir(join(o.out, 'model'), { embeddings: o.embeddings });
  return { model: best, history: state.history, bestEpoch: state.bestEpoch, bestF1: state.bestF1 };
}

/**
 * A model with a subword encoder: its features for every training and dev sentence, computed
 * once (the encoder is frozen) and held for the run. Returns their release.
 */
async function prepareSubword(model: RinModel, sets: Dataset[], maxLength: number, log: (line: string) => void, progress: boolean): Promise<() => void> {
  if (!model.subword) return () => {};
  const sentences = sets.flatMap((d) => d.sentences.filter((s) => s.tokens.length <= maxLength).map((s) => s.tokens));
  const t0 = Date.now();
  const release = await model.subword.prepare(sentences, progress);
  log(`subword features (${model.config.subwordEncoder}) of ${sentences.length} training and dev sentences in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  return release;
}

/** --threads: a whole number ≥ 1; default every core. */
function threadCount(given: number | undefined): number {
  if (given === undefined) return availableParallelism();
  if (!Number.isInteger(given) || given < 1) throw new UserError(`threads (--threads) must be a whole number of at least 1, got ${given}`);
  return given;
}

/** What the native addon adds to the backend, or why it is absent (docs/performance.md). */
function engineNote(backend: string): string {
  const { blas, reason } = nativeStatus();
  if (!blas) return ` (native kernels off: ${reason})`;
  return backend === 'wasm' ? ` + native kernels (${blas})` : ` + native LSTM, GRU and loss ops (${blas}; the matmul kernels and Adam need the wasm backend)`;
}
