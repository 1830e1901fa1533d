/**
 * A fresh model for a training set: vocabularies, word vectors (closed: the rows of the
 * training words; open: the whole pre-trained table, frozen, plus zero corrections), seeded weights.
 */
import { firstWords, loadVectors, vocabVectors } from '../features/embeddings.ts';
import { posTags } from '../features/pos.ts';
import type { Dataset } from '../core/types.ts';
import { UserError } from '../core/errors.ts';
import { DEFAULT_VECTORS, type VectorTable, loadVectorTable } from '../features/vectorTable.ts';
import { type Vocabs, buildVocabs } from '../features/vocab.ts';
import type { RinModel } from '../io/modelDir.ts';
import { sizesOf, subwordFeaturesFor } from '../io/modelDir.ts';
import type { ModelConfig, TrainConfig } from '../model/config.ts';
import { initParams } from '../model/params.ts';
import { codeVersion } from '../core/version.ts';

export interface VectorOptions {
  /** Pre-trained word vectors (GloVe / word2vec text, .gz ok); open vocabulary default: the npm package. */
  embeddings?: string;
  /** Closed vocabulary: look vectors up by the lowercased word when the exact word is missing. */
  lowercase?: boolean;
  /** Closed vocabulary: also add the N most frequent words of the embeddings file. */
  extraWords?: number;
}

export function newModel(cfg: ModelConfig, tc: TrainConfig, trainSet: Dataset, vo: VectorOptions, preset: string, log: (line: string) => void): RinModel {
  const vocabs = buildVocabs(trainSet.sentences, (s) => posTags(s.tokens), {
    inventory: trainSet.relations,
    entityTypes: trainSet.entityTypes,
    minWordCount: tc.minWordCount,
    chars: cfg.charDim > 0,
  });
  let rows: (Float32Array | null)[] | undefined;
  let table: VectorTable | undefined;
  if (cfg.wordInput === 'open') {
    if (vo.extraWords) throw new UserError('--extra-words is for the closed vocabulary; the open vocabulary reads every word of the vectors file');
    table = loadVectorTable(vo.embeddings ?? DEFAULT_VECTORS, log);
    if (table.dim !== cfg.wordDim) throw new UserError(`${table.source}: vectors have ${table.dim} dimensions, the model's wordDim is ${cfg.wordDim}`);
    rows = correctionRows(vocabs, table);
    log(`${table.source}: ${table.count} word vectors (open vocabulary); ${rows.filter(Boolean).length} of ${vocabs.words.length - 2} corrected training words have one`);
  } else if (vo.embeddings) {
    rows = closedRows(vocabs, cfg, vo, log);
  } else if (vo.extraWords) throw new UserError('extra words come from the embeddings file: give --embeddings too');
  return {
    config: cfg,
    train: tc,
    vocabs,
    params: initParams(cfg, sizesOf(vocabs), tc.seed, rows, positiveRate(trainSet, cfg, vocabs)),
    meta: { codeVersion: codeVersion(), seed: tc.seed, spans: trainSet.spans, preset, createdAt: new Date().toISOString() },
    table,
    ...(cfg.subwordEncoder !== 'none' ? { subword: subwordFeaturesFor(cfg) } : {}),
  };
}

/** Open vocabulary: corrections start at zero for words with a vector (null → random, the word's only signal). */
function correctionRows(vocabs: Vocabs, table: VectorTable): (Float32Array | null)[] {
  const zero = new Float32Array(table.dim);
  return vocabs.words.map((w, i) => (i >= 2 && table.lookup(w) >= 0 ? zero : null));
}

/** Closed vocabulary (the paper): pre-trained rows of the training words (and extra words). */
function closedRows(vocabs: Vocabs, cfg: ModelConfig, vo: VectorOptions, log: (line: string) => void): (Float32Array | null)[] {
  const file = vo.embeddings!;
  if (vo.extraWords) {
    const have = new Set(vocabs.words);
    const extra = firstWords(file, vo.extraWords).filter((w) => !have.has(w));
    vocabs.words.push(...extra);
    log(`${file}: ${extra.length} of its first ${vo.extraWords} words added to the vocabulary`);
  }
  const wanted = new Set(vocabs.words.flatMap((w) => [w, w.toLowerCase()]));
  const vec = loadVectors(file, wanted);
  if (vec.dim !== cfg.wordDim) throw new UserError(`${file}: vectors have ${vec.dim} dimensions, the model's wordDim is ${cfg.wordDim}`);
  if (vec.badLines.length) log(`${file}: ${vec.badLines.length} malformed lines skipped (first: line ${vec.badLines[0].line}, ${vec.badLines[0].message})`);
  const found = vocabVectors(vocabs.words, vec, vo.lowercase ?? true);
  log(`${file}: vectors for ${found.found} of ${vocabs.words.length - 2} vocabulary words`);
  return found.rows;
}

/** Share of gold cells among all RE cells: the starting rate of the relation bias (params.ts). */
function positiveRate(trainSet: Dataset, cfg: ModelConfig, vocabs: Vocabs): number {
  let cells = 0,
    gold = 0;
  for (const s of trainSet.sentences) {
    cells += s.tokens.length * (s.tokens.length - (cfg.selfPairs ? 0 : 1)) * vocabs.relations.length;
    gold += s.triples.length;
  }
  return Math.max(gold, 1) / Math.max(cells, 2);
}
