/**
 * A saved model is a directory:
 *   model.json   format version, code version, seed, model config, training config, data facts, weight manifest
 *   vocab.json   words, POS tags, NER tags, relations
 *   weights.bin  float32 weights (little-endian), laid out as the manifest says
 * Written atomically (io/atomic.ts); loading checks every part and says what is wrong.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SpanKind } from '../data/types.ts';
import { UserError } from '../data/types.ts';
import type { Vocabs } from '../data/vocab.ts';
import { type ModelConfig, type TrainConfig, modelConfig, trainConfig } from '../model/config.ts';
import { type Params, makeVariable, paramShapes } from '../model/params.ts';
import { codeVersion } from '../version.ts';
import { writeDirAtomic } from './atomic.ts';
import { type WeightSpec, packWeights, unpackWeights } from './weights.ts';

export const FORMAT = 'rin-model';
export const FORMAT_VERSION = 1;

export interface ModelMeta {
  /** Code version that wrote the model. */
  codeVersion: string;
  /** Seed of the training run. */
  seed: number;
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
  params: Params;
  meta: ModelMeta;
}

export function sizesOf(v: Vocabs) {
  return { words: v.words.length, posTags: v.pos.length, nerTags: v.ner.length, relations: v.relations.length };
}

export function saveModel(dir: string, m: RinModel): void {
  const { manifest, data } = packWeights([...m.params].map(([name, tensor]) => ({ name, tensor })));
  const head = { format: FORMAT, formatVersion: FORMAT_VERSION, meta: { ...m.meta, codeVersion: codeVersion() }, config: m.config, train: m.train, weights: manifest };
  writeDirAtomic(dir, {
    'model.json': JSON.stringify(head, null, 2) + '\n',
    'vocab.json': JSON.stringify(m.vocabs) + '\n',
    'weights.bin': data,
  });
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

export function loadModel(dir: string): RinModel {
  if (!existsSync(dir)) throw new UserError(`${dir}: no such model directory`);
  const head = parsePart<{ format?: string; formatVersion?: number; meta: ModelMeta; config: Partial<ModelConfig>; train: Partial<TrainConfig>; weights: WeightSpec[] }>(dir, 'model.json');
  if (typeof head !== 'object' || head === null || Array.isArray(head)) throw new UserError(`${dir}: corrupt model directory (model.json is not an object)`);
  if (head.format !== FORMAT) throw new UserError(`${dir}: model.json is not a rin model (format "${head.format}")`);
  if (head.formatVersion !== FORMAT_VERSION) throw new UserError(`${dir}: model format version ${head.formatVersion} is not supported by this version of rin (${codeVersion()} reads version ${FORMAT_VERSION})`);
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
  let values;
  try {
    values = unpackWeights(head.weights, readPart(dir, 'weights.bin'), 'weights.bin');
  } catch (e) {
    if (e instanceof UserError) throw e;
    throw bad((e as Error).message);
  }
  const params: Params = new Map();
  for (const [name, shape] of paramShapes(config, sizesOf(vocabs))) {
    const w = values.get(name);
    if (!w) throw bad(`weights.bin has no "${name}"`);
    if (w.shape.join(',') !== shape.join(',')) throw bad(`"${name}" has shape [${w.shape}], the config and vocabularies need [${shape}]`);
    params.set(name, makeVariable(w.values, shape, name !== 'emb.word' || config.trainEmbeddings, name));
  }
  return { config, train, vocabs, params, meta: head.meta };
}
