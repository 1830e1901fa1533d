/**
 * The model's parameters: a flat, named map of tf.Variables, created from the config with a
 * seeded RNG. Names say where each weight sits in the paper (see rin.ts).
 */
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../engine/rng.ts';
import { type ModelConfig, effectiveRounds } from './config.ts';
import { SHAPE_SIZE } from '../features/wordFeatures.ts';
import { SUBWORD_DIM } from '../features/subword.ts';

export type Params = Map<string, tf.Variable>;

type Dir = 'fw' | 'bw';
/** The two updaters: of H̃ (relations) and of H̄ (entities). */
export type ParamGroup = 'updR' | 'updG';

/** Every matrix of the model, by block (see paramShapes): a misspelt name does not compile. */
export type MatrixName =
  | 'emb.word'
  | 'emb.pos'
  | 'emb.char'
  | 'char.W' // input embeddings and the char CNN
  | `lstm.${Dir}.${'W' | 'U'}` // BiLSTM (§4.4)
  | 'fr.W'
  | 'fg.W' // task features (Eq. 11)
  | 'ner.W'
  | 're.Wm'
  | 're.Wr'
  | 're.Wp1'
  | 're.Wp2' // heads (Eq. 8-10)
  | 'int.Wrel'
  | 'int.Went'
  | 'int.Wh' // INT (Eq. 3)
  | `${ParamGroup}.${'Wz' | 'Wu' | 'Wo' | 'W'}`; // updaters (Eq. 4-7; RNN and linear baselines)

/** Every bias vector of the model, by block. */
export type VectorName = 'char.b' | `lstm.${Dir}.b` | 'fr.b' | 'fg.b' | 'ner.b' | 're.b' | 'int.b' | `${ParamGroup}.b`;

export type ParamName = MatrixName | VectorName;

/** Characters the char CNN reads at once. */
export const CHAR_WIDTH = 3;

/** Size of one position's encoder input: word ⊕ POS (the paper) ⊕ characters ⊕ shape ⊕ subword features. */
export function inputDim(cfg: ModelConfig): number {
  return cfg.wordDim + cfg.posDim + cfg.charFilters + (cfg.shapeFeatures ? SHAPE_SIZE : 0) + (cfg.subwordEncoder !== 'none' ? SUBWORD_DIM : 0);
}

/**
 * Whether training updates a parameter. Closed-vocabulary word vectors may be frozen; the open
 * vocabulary's corrections are what training learns of words, so they always train.
 */
export function isTrainable(cfg: ModelConfig, name: string): boolean {
  return name !== 'emb.word' || cfg.trainEmbeddings || cfg.wordInput === 'open';
}

/** Sizes the parameters depend on besides the config. */
export interface Sizes {
  words: number;
  posTags: number;
  nerTags: number;
  relations: number;
  /** Characters of the char CNN (0: none). */
  chars: number;
}

let created = 0;

/**
 * A tf.Variable for parameter `name`. tfjs wants variable names unique per process, and a process
 * may hold several models (tests, a server), so the engine name gets a counter; the Params key
 * stays the plain name.
 */
export function makeVariable(values: Float32Array, shape: number[], trainable: boolean, name: string): tf.Variable {
  // tidy releases the source tensor (the variable keeps its data), else it outlives the variable.
  return tf.tidy(() => tf.variable(tf.tensor(values, shape), trainable, `${name}#${created++}`));
}

/** The trainable variables in parameter order (the order optimiser state is saved in). */
export function trainable(p: Params): tf.Variable[] {
  return [...p.values()].filter((v) => v.trainable);
}

function glorot(rng: Rng, rows: number, cols: number): Float32Array {
  const lim = Math.sqrt(6 / (rows + cols));
  const v = new Float32Array(rows * cols);
  for (let k = 0; k < v.length; k++) v[k] = (rng.next() * 2 - 1) * lim;
  return v;
}

/** The shape of every parameter, in creation order. */
export function paramShapes(cfg: ModelConfig, s: Sizes): [ParamName, number[]][] {
  const h = cfg.hiddenDim / 2;
  const inDim = inputDim(cfg);
  const shapes: [ParamName, number[]][] = [
    ['emb.word', [s.words, cfg.wordDim]],
    ['emb.pos', [s.posTags, cfg.posDim]],
  ];
  if (cfg.charDim > 0) {
    // Char CNN (Ma & Hovy 2016): a window of CHAR_WIDTH characters → charFilters, max over the word.
    shapes.push(['emb.char', [s.chars, cfg.charDim]], ['char.W', [CHAR_WIDTH * cfg.charDim, cfg.charFilters]], ['char.b', [cfg.charFilters]]);
  }
  for (const dir of ['fw', 'bw'] as const) {
    shapes.push([`lstm.${dir}.W`, [inDim, 4 * h]], [`lstm.${dir}.U`, [h, 4 * h]], [`lstm.${dir}.b`, [4 * h]]);
  }
  // bilstm feeds H straight into the heads; every other variant has fr and fg (Eq. 11).
  const feat = cfg.variant === 'bilstm' ? cfg.hiddenDim : cfg.taskDim;
  if (cfg.variant !== 'bilstm') {
    shapes.push(['fr.W', [cfg.hiddenDim, cfg.taskDim]], ['fr.b', [cfg.taskDim]]);
    shapes.push(['fg.W', [cfg.hiddenDim, cfg.taskDim]], ['fg.b', [cfg.taskDim]]);
  }
  shapes.push(['ner.W', [feat, s.nerTags]], ['ner.b', [s.nerTags]]); // Eq. 8
  shapes.push(['re.Wm', [feat, cfg.reDim]], ['re.Wr', [feat, cfg.reDim]]); // Eq. 9
  shapes.push(['re.Wp1', [cfg.reDim, s.relations]], ['re.Wp2', [cfg.reDim, s.relations]], ['re.b', [s.relations]]); // Eq. 10
  if (effectiveRounds(cfg) > 0) {
    const d = cfg.taskDim;
    const x = cfg.intDim;
    if (cfg.variant === 'rin_linear') {
      for (const u of ['updR', 'updG'] as const) shapes.push([`${u}.W`, [d, d]], [`${u}.b`, [d]]);
    } else {
      // Eq. 3: x = ReLU(Wa (ŷ ⊕ ȳ ⊕ h) + ba), Wa split by input so an ablation just drops a block.
      if (cfg.intUsesRel) shapes.push(['int.Wrel', [s.relations, x]]);
      if (cfg.intUsesEnt) shapes.push(['int.Went', [s.nerTags, x]]);
      if (cfg.intUsesH) shapes.push(['int.Wh', [cfg.hiddenDim, x]]);
      shapes.push(['int.b', [x]]);
      for (const u of ['updR', 'updG'] as const) {
        if (cfg.variant === 'rin') {
          // Eq. 4-6, no biases as in the paper.
          shapes.push([`${u}.Wz`, [d + x, d]], [`${u}.Wu`, [d + x, d]], [`${u}.Wo`, [d + x, d]]);
        } else {
          shapes.push([`${u}.W`, [d + x, d]], [`${u}.b`, [d]]);
        }
      }
    }
  }
  return shapes;
}

/**
 * Fresh parameters. `wordVectors` (optional) gives pre-trained rows; rows it lacks get N(0, σ²)
 * with σ the spread of the pre-trained values, row 0 (<pad>) is zero. `positiveRate` (optional)
 * is the share of gold cells among all RE cells in the training data.
 */
export function initParams(cfg: ModelConfig, s: Sizes, seed: number, wordVectors?: (Float32Array | null)[], positiveRate?: number): Params {
  const rng = new Rng(seed);
  const params: Params = new Map();
  for (const [name, shape] of paramShapes(cfg, s)) {
    let v: Float32Array;
    if (shape.length === 1) {
      v = new Float32Array(shape[0]);
      if (name.startsWith('lstm.') && name.endsWith('.b')) v.fill(1, shape[0] / 4, shape[0] / 2); // forget gate bias 1
      // Start every RE cell at the prior rate of gold cells rather than at p = 0.5: the sum of
      // BCE over n·n·l cells (Eq. 14) otherwise spends the first epoch pushing all of them down.
      if (name === 're.b' && positiveRate) v.fill(Math.log(positiveRate / (1 - positiveRate)));
    } else if (name === 'emb.word') {
      v = initWords(rng, shape[0], shape[1], wordVectors);
    } else if (name === 'emb.char') {
      v = initWords(rng, shape[0], shape[1]); // row 0 (<pad>) zero: padding adds nothing to a window
    } else {
      v = glorot(rng, shape[0], shape[1]);
    }
    params.set(name, makeVariable(v, shape, isTrainable(cfg, name), name));
  }
  return params;
}

function initWords(rng: Rng, V: number, d: number, vecs?: (Float32Array | null)[]): Float32Array {
  const out = new Float32Array(V * d);
  let sum = 0,
    sq = 0,
    cnt = 0;
  for (const r of vecs ?? [])
    if (r)
      for (const x of r) {
        sum += x;
        sq += x * x;
        cnt++;
      }
  const sigma = cnt ? Math.sqrt(Math.max(sq / cnt - (sum / cnt) ** 2, 1e-6)) : 0.1;
  for (let w = 1; w < V; w++) {
    const r = vecs?.[w];
    for (let k = 0; k < d; k++) out[w * d + k] = r ? r[k] : rng.normal() * sigma;
  }
  return out;
}

export function disposeParams(p: Params): void {
  for (const v of p.values()) v.dispose();
}

function get(p: Params, name: ParamName, rank: number): tf.Variable {
  const v = p.get(name);
  if (!v) throw new Error(`missing parameter ${name}`);
  if (v.rank !== rank) throw new Error(`parameter ${name} has rank ${v.rank}, expected ${rank}`);
  return v;
}

/** A weight matrix [in, out] by name. */
export const mat = (p: Params, name: MatrixName) => get(p, name, 2) as tf.Variable<tf.Rank.R2>;

/** A bias vector [out] by name. */
export const vec = (p: Params, name: VectorName) => get(p, name, 1) as tf.Variable<tf.Rank.R1>;
