/**
 * A synthetic model and batch at a fixed shape (bench.ts, train-memory.ts): random parameters as
 * training starts them, B sentences of n random words, two gold cells each. The default recipe's
 * extra inputs are made too: a pre-trained row per word, 3-12 characters per word, shape bits.
 */
import { Rng } from '../src/engine/rng.ts';
import { decode } from '../src/eval/decode.ts';
import { inferLogits } from '../src/eval/predict.ts';
import { makeBatch } from '../src/model/batch.ts';
import { disposeParams, initParams } from '../src/model/params.ts';
import type { PresetName } from '../src/model/presets.ts';
import { Adam } from '../src/train/adam.ts';
import { trainStep } from '../src/train/step.ts';
import { resolveSettings } from '../src/train/trainer.ts';
import type { Shape } from './torch.ts';

/** Vocabulary of the synthetic batches (the PyTorch reference is given the same). */
export const BENCH_WORDS = 5000;
export const CHARS = 80;

export const NYT_LIKE: Shape = { name: 'NYT-like', B: 50, n: 40, relations: 24, K: 3 };
export const WEBNLG_LIKE: Shape = { name: 'WebNLG-like', B: 20, n: 40, relations: 171, K: 3 };
/** The shipped model's training shape: webnlg-union's 364 relations, the default recipe's batch of 20. */
export const UNION_LIKE: Shape = { name: 'union-like', B: 20, n: 40, relations: 364, K: 3 };

/** B sentences of n random words with the default recipe's inputs too, two gold cells each. */
export function randomSentences(rng: Rng, B: number, n: number, l: number) {
  const pick = (k: number) => Math.floor(rng.next() * k);
  return Array.from({ length: B }, () => ({
    words: Array.from({ length: n }, () => 2 + pick(BENCH_WORDS - 2)),
    pos: Array.from({ length: n }, () => 2 + pick(44)),
    vec: Array.from({ length: n }, () => pick(BENCH_WORDS)),
    chars: Array.from({ length: n }, () => Array.from({ length: 3 + pick(10) }, () => 2 + pick(CHARS - 2))),
    shape: Array.from({ length: n }, () => pick(256)),
    ner: Array.from({ length: n }, () => (rng.next() < 0.8 ? 0 : 4)),
    cells: [
      { i: 1, t: 0, j: 5 },
      { i: 7, t: l - 1, j: 3 },
    ],
  }));
}

export interface Synthetic {
  /** One training step: forward, loss, backward, clipping, Adam (src/train/step.ts). */
  step(): void;
  /** Forward, copy of the logits to the host, decoding (as src/eval/predict.ts). */
  infer(): void;
  dispose(): void;
}

/** The model of a shape and preset as training starts it, and one batch of random sentences. */
export function syntheticParts(shape: Shape, preset: PresetName) {
  const { B, n, relations: l, K } = shape;
  const cfg = resolveSettings({ preset, model: { rounds: K } }).model;
  const rng = new Rng(1);
  // The RE bias starts at the prior rate of gold cells, as in training (params.ts).
  const params = initParams(cfg, { words: BENCH_WORDS, posTags: 46, nerTags: 5, relations: l, chars: cfg.charDim ? CHARS : 0 }, 1, undefined, 2 / (n * (n - 1) * l));
  const table = { dim: cfg.wordDim, vectors: new Float32Array(BENCH_WORDS * cfg.wordDim).map(() => rng.normal() * 0.4) };
  const items = randomSentences(rng, B, n, l);
  return { cfg, rng, params, table, items, batch: makeBatch(items, table) };
}

export function synthetic(shape: Shape, preset: PresetName): Synthetic {
  const { B, n, relations: l } = shape;
  const { cfg, rng, params, batch } = syntheticParts(shape, preset);
  const opt = new Adam(params, 1e-3); // the trainer's optimiser (src/train/adam.ts)
  const names = Array.from({ length: l }, (_, k) => `r${k}`);
  return {
    step: () => void trainStep(params, cfg, opt, batch, rng.int(), 5),
    infer: () => {
      const v = inferLogits(params, cfg, batch);
      decode({ n, B, lengths: batch.lengths, ...v }, names, { selfPairs: false, threshold: 0.5, tagDecoding: cfg.tagDecoding });
    },
    dispose: () => {
      opt.dispose();
      disposeParams(params);
    },
  };
}

/** Mean ms per call after two warm-up calls (kernel set-up, Adam's moment variables). */
export function timeMs(f: () => void, reps: number): number {
  for (let k = 0; k < 2; k++) f();
  const t0 = performance.now();
  for (let k = 0; k < reps; k++) f();
  return (performance.now() - t0) / reps;
}
