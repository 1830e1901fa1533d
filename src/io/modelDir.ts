/**
 * A saved model is a directory:
 *   model.json   format version, code version, seed, model config, training config, data facts, weight
 *                manifest, and the size and sha256 of weights.bin
 *   vocab.json   words, POS tags, NER tags, relations
 *   weights.bin  float32 weights (little-endian), laid out as the manifest says
 * Written atomically (core/atomic.ts); loading checks every part (sizes, checksum, finite weights)
 * and says what is wrong.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SpanKind } from '../core/types.ts';
import { UserError } from '../core/errors.ts';
import type { Vocabs } from '../features/vocab.ts';
import { type ModelConfig, type TrainConfig, modelConfig, trainConfig } from '../model/config.ts';
import { type Params, isTrainable, makeVariable, paramShapes } from '../model/params.ts';
import { DEFAULT_VECTORS, type VectorTable, loadVectorTable } from '../features/vectorTable.ts';
import { codeVersion } from '../core/version.ts';
import { writeDirAtomic } from '../core/atomic.ts';
import { SubwordFeatures } from '../features/subword.ts';
import { type WeightSpec, packWeights, unpackWeights } from './weights.ts';

export const FORMAT = 'rin-model';
export const FORMAT_VERSION = 1;

export interface ModelMeta {
  /** Code version that wrote the model. */
  codeVersion: string;
  /** Seed of the training run. */
  seed: number;
  /** The recipe it was trained with (model/presets.ts); absent in models made before presets (the paper's). */
  preset?: string;
  /** Whether the model was trained on whole entity spans or last words only. */
  spans: SpanKind;
  createdAt: string;
  /** Free-form facts about training (data files, epoch chosen, dev scores). */
  training?: Record<string, unknown>;
}

export interface RinModel {
  config: ModelConfig;
  train: TrainConfig;
  vocabs: Vocabs;
  /**
   * The weights, by parameter name. @internal: tfjs types stay out of rin's declarations (their
   * own fail strict checking); rin/internals' `modelParams(model)` (io/modelParams.ts) gives them to experiments.
   */
  params: Params;
  meta: ModelMeta;
  /** Open vocabulary: the pre-trained table every word is looked up in (not stored with the model). */
  table?: VectorTable;
  /** A subword encoder's features (ModelConfig.subwordEncoder; not stored with the model), prepared by the async entry points. */
  subword?: SubwordFeatures;
}

/** The subword features a config asks for (a clear error when their package is missing). */
export function subwordFeaturesFor(config: ModelConfig): SubwordFeatures | undefined {
  return config.subwordEncoder === 'none' ? undefined : new SubwordFeatures(config.subwordEncoder);
}

/** What model.json says of an open-vocabulary model's table, so the same one is found again. */
export interface VectorsRef {
  source: string;
  sha256: string;
  dim: number;
  count: number;
}

export interface LoadModelOptions {
  /** The word-vector file an open-vocabulary model was trained with, if not the npm package or the recorded path. */
  embeddings?: string;
  log?: (line: string) => void;
}

export function sizesOf(v: Vocabs) {
  return { words: v.words.length, posTags: v.pos.length, nerTags: v.ner.length, relations: v.relations.length, chars: v.chars?.length ?? 0 };
}

/** Write `m` as directory `dir`; returns what model.json records of weights.bin. */
export function saveModel(dir: string, m: RinModel): { weightsBytes: number; weightsSha256: string } {
  const { manifest, data } = packWeights([...m.params].map(([name, tensor]) => ({ name, tensor })));
  const vectors: VectorsRef | undefined = m.table && { source: m.table.source, sha256: m.table.sha256, dim: m.table.dim, count: m.table.count };
  const sums = { weightsBytes: data.byteLength, weightsSha256: sha256(data) };
  const head = {
    format: FORMAT,
    formatVersion: FORMAT_VERSION,
    meta: { ...m.meta, codeVersion: codeVersion() },
    config: m.config,
    train: m.train,
    ...(vectors ? { vectors } : {}),
    ...sums,
    weights: manifest,
  };
  writeDirAtomic(dir, {
    'model.json': JSON.stringify(head, null, 2) + '\n',
    'vocab.json': JSON.stringify(m.vocabs) + '\n',
    'weights.bin': data,
  });
  return sums;
}

export const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');

/** weights.bin against what model.json says of it (models saved before the checksum have only the manifest). */
function checkWeightsFile(bytes: Buffer, head: { weightsBytes?: number; weightsSha256?: string }): string | undefined {
  if (head.weightsBytes !== undefined && bytes.length !== head.weightsBytes) return `weights.bin has ${bytes.length} bytes, model.json says ${head.weightsBytes}`;
  if (head.weightsSha256 !== undefined && sha256(bytes) !== head.weightsSha256) return 'weights.bin does not match the sha256 in model.json (damaged or replaced)';
  return undefined;
}

function readPart(dir: string, name: string): Buffer {
  const f = join(dir, name);
  if (!existsSync(f)) throw new UserError(`${dir}: not a rin model directory (missing ${name})`);
  return readFileSync(f);
}

function parsePart<T>(dir: string, name: string): T {
  try {
    return JSON.parse(readPart(dir, name).toString('utf8')) as T;
  } catch (e) {
    if (e instanceof UserError) throw e;
    throw new UserError(`${dir}: corrupt model directory (${name}: ${(e as Error).message})`);
  }
}

export function readModelDir(dir: string, opts: LoadModelOptions = {}): RinModel {
  if (!existsSync(dir)) throw new UserError(`${dir}: no such model directory`);
  const head = parsePart<{
    format?: string;
    formatVersion?: number;
    meta: ModelMeta;
    config: Partial<ModelConfig>;
    train: Partial<TrainConfig>;
    vectors?: VectorsRef;
    weightsBytes?: number;
    weightsSha256?: string;
    weights: WeightSpec[];
  }>(dir, 'model.json');
  if (typeof head !== 'object' || head === null || Array.isArray(head)) throw new UserError(`${dir}: corrupt model directory (model.json is not an object)`);
  if (head.format !== FORMAT) throw new UserError(`${dir}: model.json is not a rin model (format "${head.format}")`);
  if (head.formatVersion !== FORMAT_VERSION)
    throw new UserError(`${dir}: model format version ${head.formatVersion} is not supported by this version of rin (${codeVersion()} reads version ${FORMAT_VERSION})`);
  const bad = (what: string) => new UserError(`${dir}: corrupt model directory (${what})`);
  let config: ModelConfig, train: TrainConfig;
  try {
    config = modelConfig(head.config);
    train = trainConfig(head.train);
  } catch (e) {
    throw bad((e as Error).message);
  }
  const vocabs = parsePart<Vocabs>(dir, 'vocab.json');
  if (typeof vocabs !== 'object' || vocabs === null) throw bad('vocab.json is not an object');
  for (const k of ['words', 'pos', 'ner', 'relations'] as const) if (!Array.isArray(vocabs[k])) throw bad(`vocab.json has no "${k}" list`);
  const bytes = readPart(dir, 'weights.bin');
  const damage = checkWeightsFile(bytes, head);
  if (damage) throw bad(damage);
  let values: ReturnType<typeof unpackWeights>;
  try {
    values = unpackWeights(head.weights, bytes, 'weights.bin', { exact: true, finite: true });
  } catch (e) {
    if (e instanceof UserError) throw e;
    throw bad((e as Error).message);
  }
  const params: Params = new Map();
  for (const [name, shape] of paramShapes(config, sizesOf(vocabs))) {
    const w = values.get(name);
    if (!w) throw bad(`weights.bin has no "${name}"`);
    if (w.shape.join(',') !== shape.join(',')) throw bad(`"${name}" has shape [${w.shape}], the config and vocabularies need [${shape}]`);
    params.set(name, makeVariable(w.values, shape, isTrainable(config, name), name));
  }
  const subword = subwordFeaturesFor(config);
  const model: RinModel = { config, train, vocabs, params, meta: head.meta, ...(subword ? { subword } : {}) };
  if (config.wordInput === 'closed') return model;
  if (!head.vectors) throw bad('an open-vocabulary model.json must name its word vectors ("vectors")');
  return { ...model, table: findTable(dir, head.vectors, opts) };
}

/**
 * The table an open-vocabulary model was trained with: the npm package, the file given, or the
 * file recorded at training time; its checksum must match, or the model would read vectors it
 * never saw (a silent loss of accuracy).
 */
function findTable(dir: string, ref: VectorsRef, opts: LoadModelOptions): VectorTable {
  const recorded = ref.source.startsWith(DEFAULT_VECTORS + '@') ? DEFAULT_VECTORS : ref.source;
  const file = opts.embeddings ?? recorded;
  if (file !== DEFAULT_VECTORS && !existsSync(file)) {
    throw new UserError(
      `${dir}: the model needs the word vectors it was trained with, ${ref.source} (sha256 ${ref.sha256.slice(0, 12)}…, ${ref.count} words), and ${file} does not exist; pass that file with --embeddings`,
    );
  }
  const table = loadVectorTable(file, opts.log);
  if (table.sha256 !== ref.sha256 || table.dim !== ref.dim) {
    throw new UserError(
      `${dir}: the model was trained with word vectors ${ref.source} (sha256 ${ref.sha256.slice(0, 12)}…, ${ref.count} × ${ref.dim}), but ${table.source} has sha256 ${table.sha256.slice(0, 12)}… (${table.count} × ${table.dim}); pass the original file with --embeddings`,
    );
  }
  return table;
}
