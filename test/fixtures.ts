/** Small labelled sentences for training tests, as Sentence objects and as CasRel JSON, and a tiny model trained on them. */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Sentence, Triple } from '../src/core/types.ts';
import type { Extractor } from '../src/extract/extractor.ts';
import { type ExtractorOptions, loadModel } from '../src/extract/load.ts';
import { disposeParams } from '../src/model/params.ts';
import { train } from '../src/train/trainer.ts';

/** [text, [subject, relation, object] ...] with whole-span entities. */
export const TINY_CORPUS: [string, [string, string, string][]][] = [
  ['John Smith was born in London .', [['John Smith', 'born_in', 'London']]],
  [
    'Mary lives in Paris and works for Acme Corp .',
    [
      ['Mary', 'lives_in', 'Paris'],
      ['Mary', 'works_for', 'Acme Corp'],
    ],
  ],
  ['Acme Corp is based in Berlin .', [['Acme Corp', 'based_in', 'Berlin']]],
  [
    'Peter was born in Rome and lives in Oslo .',
    [
      ['Peter', 'born_in', 'Rome'],
      ['Peter', 'lives_in', 'Oslo'],
    ],
  ],
  [
    'Globex , based in Madrid , employs Anna Lee .',
    [
      ['Globex', 'based_in', 'Madrid'],
      ['Anna Lee', 'works_for', 'Globex'],
    ],
  ],
  ['The singer Tom Wu lives in Vienna .', [['Tom Wu', 'lives_in', 'Vienna']]],
  [
    'Initech hired Bob , who was born in Lima .',
    [
      ['Bob', 'works_for', 'Initech'],
      ['Bob', 'born_in', 'Lima'],
    ],
  ],
  [
    'Sara works for Globex and lives in Madrid .',
    [
      ['Sara', 'works_for', 'Globex'],
      ['Sara', 'lives_in', 'Madrid'],
    ],
  ],
];

function find(tokens: string[], words: string[]): number {
  for (let i = 0; i + words.length <= tokens.length; i++) if (words.every((w, k) => tokens[i + k] === w)) return i;
  throw new Error(`fixture: "${words.join(' ')}" not in "${tokens.join(' ')}"`);
}

export function tinySentences(): Sentence[] {
  return TINY_CORPUS.map(([text, trs], record) => {
    const tokens = text.split(' ');
    const triples: Triple[] = trs.map(([s, r, o]) => {
      const sw = s.split(' '),
        ow = o.split(' ');
      const si = find(tokens, sw),
        oi = find(tokens, ow);
      return { subject: { start: si, end: si + sw.length }, relation: r, object: { start: oi, end: oi + ow.length } };
    });
    return { tokens, triples, source: { file: 'tiny', record } };
  });
}

export function tinyCasrelJson(): string {
  return JSON.stringify(TINY_CORPUS.map(([text, triple_list]) => ({ text, triple_list })));
}

/** A TINY_CORPUS text as a person would type it: no space before "," and ".". */
export function rawText(spaced: string): string {
  return spaced.replace(/ ([.,])/g, '$1');
}

export interface TinyModel {
  /** The model directory (model.json, vocab.json, weights.bin), ready for loadModel(). */
  dir: string;
  /** Dev (= training) scores of the epoch kept. */
  f1: number;
  nerF1: number;
}

/**
 * Train a tiny full-span RIN on TINY_CORPUS, written as CasRel JSON into `dir`, with the training
 * set as dev set too, so the model kept is the first one that reproduces its training data
 * (about 30 epochs; a few seconds on wasm). The caller checks f1/nerF1 before relying on it.
 */
export async function trainTinyModel(dir: string, epochs = 40): Promise<TinyModel> {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'tiny.json');
  writeFileSync(file, tinyCasrelJson());
  const r = await train({
    train: file,
    dev: file,
    out: join(dir, 'run'),
    load: { spans: 'full' },
    preset: 'paper',
    model: { variant: 'rin', rounds: 2, wordDim: 16, posDim: 4, hiddenDim: 24, taskDim: 24, reDim: 16, intDim: 16, inputDropout: 0 },
    training: { lr: 0.01, batchSize: 4, epochs, patience: epochs, seed: 1 },
    threads: 1, // a few seconds; a second thread would cost more to start than it saves
    log: () => {},
    progress: false,
  });
  disposeParams(r.model.params);
  const best = r.history[r.bestEpoch - 1].dev;
  return { dir: join(dir, 'run', 'model'), f1: best.f1, nerF1: best.nerF1 };
}

/**
 * The tiny model trained into `dir` and loaded, once it is checked to reproduce its training
 * triples and entities (the precondition of every test that extracts with it).
 */
export async function tinyExtractor(dir: string, load: ExtractorOptions = {}): Promise<{ dir: string; x: Extractor }> {
  const m = await trainTinyModel(dir);
  assert.equal(m.f1, 1, 'the tiny model reproduces its training triples (precondition)');
  assert.equal(m.nerF1, 1, 'the tiny model reproduces its training entities (precondition)');
  return { dir: m.dir, x: await loadModel(m.dir, load) };
}
