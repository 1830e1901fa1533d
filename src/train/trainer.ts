/**
 * The training loop: Adam, length-bucketed shuffled batches, global-norm clipping, dev
 * evaluation after every epoch, model selection and early stopping on dev F1, an atomic
 * checkpoint after every epoch (resume with `resume: true`), metrics per epoch in JSONL.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { Encoder, type EncodeStats, describeStats, newStats } from '../data/encode.ts';
import { firstWords, loadVectors, vocabVectors } from '../data/embeddings.ts';
import { describeReport, type LoadOptions, loadDataset } from '../data/load.ts';
import { posTags } from '../data/pos.ts';
import { type Dataset, type Problem, UserError } from '../data/types.ts';
import { buildVocabs } from '../data/vocab.ts';
import { initBackend } from '../engine/backend.ts';
import { Rng } from '../engine/rng.ts';
import { evaluate } from '../eval/evaluate.ts';
import { type RinModel, loadModel, saveModel, sizesOf } from '../io/modelDir.ts';
import { writeFileAtomic } from '../io/atomic.ts';
import { type EncodedSentence, makeBatch } from '../model/batch.ts';
import { type ModelConfig, type TrainConfig, modelConfig, trainConfig } from '../model/config.ts';
import { disposeParams, initParams } from '../model/params.ts';
import { codeVersion } from '../version.ts';
import { bucketedBatches } from './batches.ts';
import { type EpochRecord, type TrainState, hasCheckpoint, loadCheckpoint, saveCheckpoint } from './checkpoint.ts';
import { trainStep } from './step.ts';
import { Progress } from './progress.ts';

export interface TrainOptions {
  /** Training data file (any supported format). */
  train: string;
  /** Development data file: model selection and early stopping. */
  dev: string;
  /** Output folder: model/ (the best model), checkpoint/, metrics.jsonl. */
  out: string;
  /** Pre-trained word vectors (GloVe text format, plain or .gz). */
  embeddings?: string;
  /** Look pre-trained vectors up by the lowercased word when the exact word is missing. */
  lowercase?: boolean;
  /**
   * Also put the N most frequent words of the embeddings file into the vocabulary, so raw text
   * beyond the training words keeps its pre-trained vectors (they get no gradient in training).
   */
  extraWords?: number;
  model?: Partial<ModelConfig>;
  training?: Partial<TrainConfig>;
  load?: LoadOptions;
  /** Continue from out/checkpoint if it exists. */
  resume?: boolean;
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

/** A fresh model for this training data: vocabularies, pre-trained vectors, seeded weights. */
function newModel(o: TrainOptions, trainSet: Dataset, log: (line: string) => void): RinModel {
  const cfg = modelConfig(o.model);
  const tc = trainConfig(o.training);
  const vocabs = buildVocabs(trainSet.sentences, (s) => posTags(s.tokens), trainSet.relations, trainSet.entityTypes);
  let rows: (Float32Array | null)[] | undefined;
  if (o.extraWords && !o.embeddings) throw new UserError('extra words come from the embeddings file: give --embeddings too');
  if (o.embeddings && o.extraWords) {
    const have = new Set(vocabs.words);
    const extra = firstWords(o.embeddings, o.extraWords).filter((w) => !have.has(w));
    vocabs.words.push(...extra);
    log(`${o.embeddings}: ${extra.length} of its first ${o.extraWords} words added to the vocabulary`);
  }
  if (o.embeddings) {
    const wanted = new Set(vocabs.words.flatMap((w) => [w, w.toLowerCase()]));
    const vec = loadVectors(o.embeddings, wanted);
    if (vec.dim !== cfg.wordDim) throw new UserError(`${o.embeddings}: vectors have ${vec.dim} dimensions, the model's wordDim is ${cfg.wordDim}`);
    if (vec.badLines.length) log(`${o.embeddings}: ${vec.badLines.length} malformed lines skipped (first: line ${vec.badLines[0].line}, ${vec.badLines[0].message})`);
    const found = vocabVectors(vocabs.words, vec, o.lowercase ?? true);
    rows = found.rows;
    log(`${o.embeddings}: vectors for ${found.found} of ${vocabs.words.length - 2} vocabulary words`);
  }
  // Share of gold cells among all RE cells: the starting rate of the relation bias (params.ts).
  let cells = 0, gold = 0;
  for (const s of trainSet.sentences) {
    cells += s.tokens.length * (s.tokens.length - (cfg.selfPairs ? 0 : 1)) * vocabs.relations.length;
    gold += s.triples.length;
  }
  return {
    config: cfg,
    train: tc,
    vocabs,
    params: initParams(cfg, sizesOf(vocabs), tc.seed, rows, Math.max(gold, 1) / Math.max(cells, 2)),
    meta: { codeVersion: codeVersion(), seed: tc.seed, spans: trainSet.spans, createdAt: new Date().toISOString() },
  };
}

export async function train(o: TrainOptions): Promise<TrainResult> {
  const log = o.log ?? ((l: string) => process.stderr.write(l + '\n'));
  const backend = await initBackend();
  const trainSet = loadDataset(o.train, o.load);
  const devSet = loadDataset(o.dev, o.load);
  log(describeReport(trainSet));
  log(describeReport(devSet));
  if (!trainSet.sentences.length) throw new UserError(`${o.train}: no usable training sentences`);
  const ckDir = join(o.out, 'checkpoint');
  mkdirSync(o.out, { recursive: true });

  let model: RinModel;
  let opt: tf.AdamOptimizer;
  let state: TrainState;
  if (o.resume && hasCheckpoint(ckDir)) {
    ({ model, opt, state } = loadCheckpoint(ckDir, trainConfig(o.training).lr));
    // A resumed run keeps its checkpoint's settings, except how long it may go on.
    const { epochs, patience, ...other } = o.training ?? {};
    model.train = { ...model.train, ...(epochs !== undefined ? { epochs } : {}), ...(patience !== undefined ? { patience } : {}) };
    const differ = (given: object, kept: object) => Object.entries(given).filter(([k, x]) => x !== undefined && JSON.stringify(x) !== JSON.stringify((kept as Record<string, unknown>)[k])).map(([k]) => k);
    const ignored = [...differ(other, model.train), ...differ(o.model ?? {}, model.config)];
    if (ignored.length) log(`note: resuming keeps the checkpoint's settings; ignored: ${ignored.join(', ')}`);
    log(`resuming from ${ckDir}: ${state.epoch} epochs done, best dev F1 ${(100 * state.bestF1).toFixed(2)} at epoch ${state.bestEpoch}`);
  } else {
    if (!o.resume && hasCheckpoint(ckDir)) log(`note: ${ckDir} exists and will be overwritten (use --resume to continue it)`);
    model = newModel(o, trainSet, log);
    opt = tf.train.adam(model.train.lr);
    state = { epoch: 0, rngState: new Rng(model.train.seed + 1).state, bestF1: -1, bestEpoch: 0, badEpochs: 0, history: [] };
  }
  const { config: cfg, train: tc } = model;
  const enc = new Encoder(model.vocabs);
  const problems: Problem[] = [];
  const trainStats = newStats();
  const data = encodeAll(trainSet, enc, cfg, tc, trainStats, problems);
  for (const p of problems) log(`${p.file} record ${p.record}: ${p.message} (${p.action})`);
  for (const l of describeStats(trainStats, 'train')) log(l);
  log(`backend ${backend}; ${data.length} training sentences, ${model.vocabs.relations.length} relations, ${model.vocabs.words.length} words; variant ${cfg.variant}, K=${cfg.rounds}, seed ${tc.seed}`);

  // Words seen once in training may be swapped for <unk> (TrainConfig.unkReplace).
  const counts = new Map<number, number>();
  for (const s of data) for (const w of s.words) counts.set(w, (counts.get(w) ?? 0) + 1);
  const rng = new Rng(0);
  rng.state = state.rngState;
  const lengths = data.map((s) => s.words.length);

  while (state.epoch < tc.epochs && state.badEpochs < tc.patience) {
    const t0 = Date.now();
    const order = bucketedBatches(lengths, tc.batchSize, rng);
    const bar = new Progress(`epoch ${state.epoch + 1}/${tc.epochs}`, data.length, process.stderr, o.progress ?? true);
    let sum = 0, sumNer = 0, sumRel = 0, seen = 0;
    for (const idx of order) {
      const items = idx.map((k) => {
        const s = data[k];
        if (tc.unkReplace <= 0) return s;
        return { ...s, words: s.words.map((w) => (counts.get(w) === 1 && rng.next() < tc.unkReplace ? 1 : w)) };
      });
      const r = trainStep(model.params, cfg, opt, makeBatch(items), rng.int(), tc.clipNorm);
      sum += r.loss * idx.length;
      sumNer += r.nerLoss * idx.length;
      sumRel += r.relLoss * idx.length;
      seen += idx.length;
      bar.update(seen, `loss ${(sum / seen).toFixed(3)}`);
    }
    const trainSecs = (Date.now() - t0) / 1000;
    const ev = evaluate(model, devSet.sentences, devSet.spans, { batchSize: 32, symmetric: devSet.symmetric });
    const s = ev.scores;
    state.epoch++;
    // Equal relation F1 (typically 0 while the relation head has not started, as on SciERC's
    // first epochs) goes to the better NER F1, so early stopping does not end a run that learns.
    const bestNer = state.history[state.bestEpoch - 1]?.dev.nerF1 ?? -1;
    const better = s.triples.f1 > state.bestF1 || (s.triples.f1 === state.bestF1 && s.ner.f1 > bestNer);
    const rec: EpochRecord = {
      epoch: state.epoch,
      loss: sum / seen,
      nerLoss: sumNer / seen,
      relLoss: sumRel / seen,
      seconds: (Date.now() - t0) / 1000,
      sentencesPerSecond: seen / trainSecs,
      dev: { precision: s.triples.precision, recall: s.triples.recall, f1: s.triples.f1, nerF1: s.ner.f1, partialF1: s.partial.f1, ...(s.mode === 'exact' ? { exactF1: s.exact.f1 } : {}), ...(s.mode === 'strict' ? { entityF1: s.entities.f1, boundariesF1: s.boundaries.f1 } : {}) },
      best: better,
    };
    state.history.push(rec);
    if (better) {
      state.bestF1 = s.triples.f1;
      state.bestEpoch = state.epoch;
      state.badEpochs = 0;
      model.meta.training = { train: o.train, dev: o.dev, epoch: state.epoch, dev_scores: rec.dev, backend };
      saveModel(join(o.out, 'model'), model);
    } else state.badEpochs++;
    state.rngState = rng.state;
    saveCheckpoint(ckDir, model, opt, state);
    writeFileAtomic(join(o.out, 'metrics.jsonl'), state.history.map((h) => JSON.stringify(h)).join('\n') + '\n');
    const pct = (x: number) => (100 * x).toFixed(2);
    log(`epoch ${state.epoch}: loss ${rec.loss.toFixed(3)} (ner ${rec.nerLoss.toFixed(3)}, rel ${rec.relLoss.toFixed(3)}), ${rec.sentencesPerSecond.toFixed(0)} sent/s; dev ${s.mode} P ${pct(s.triples.precision)} R ${pct(s.triples.recall)} F1 ${pct(s.triples.f1)}, ${s.mode === 'strict' ? `entity F1 ${pct(s.entities.f1)}` : `NER F1 ${pct(s.ner.f1)}`}${better ? '  *best*' : ''} (${rec.seconds.toFixed(0)}s)`);
  }
  if (!existsSync(join(o.out, 'model'))) saveModel(join(o.out, 'model'), model);
  log(`best dev F1 ${(100 * state.bestF1).toFixed(2)} at epoch ${state.bestEpoch}; model in ${join(o.out, 'model')}`);
  // Hand back the selected (best) model, not the last epoch's weights.
  disposeParams(model.params);
  opt.dispose();
  const best = loadModel(join(o.out, 'model'));
  return { model: best, history: state.history, bestEpoch: state.bestEpoch, bestF1: state.bestF1 };
}
