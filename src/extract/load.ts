/**
 * loadModel(path?): a ready-to-use extractor; without a path, the model this package ships.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { entityTypesOf } from '../data/vocab.ts';
import { initBackend } from '../engine/backend.ts';
import { type LoadModelOptions, loadModel as loadModelDir } from '../io/modelDir.ts';
import { Extractor } from './extractor.ts';

/**
 * The model shipped with the package: RIN trained on WebNLG with full entity spans. Two levels up
 * is the package root from src/extract/ (a checkout, tsx) and from dist/extract/ (the built package).
 */
export const DEFAULT_MODEL_PATH = fileURLToPath(new URL('../../models/webnlg-exact-rin', import.meta.url));

/**
 * Load a model directory (default: the shipped model) and start the compute backend.
 * `embeddings`: the word-vector file an open-vocabulary model was trained with, when it is not
 * the npm package (the default) or the path recorded in its model.json.
 */
export async function loadModel(path: string = DEFAULT_MODEL_PATH, opts: LoadModelOptions = {}): Promise<Extractor> {
  await initBackend();
  return new Extractor(loadModelDir(path, opts), path);
}

/** What a user needs to know about a model: its card (README.md) and the facts of model.json. */
export interface ModelCard {
  path: string;
  relations: string[];
  /** Entity types the model predicts (empty: untyped entities). */
  entityTypes: string[];
  config: Extractor['model']['config'];
  meta: Extractor['model']['meta'];
  /** The model directory's README.md, if it has one. */
  readme: string | null;
}

export function modelCard(x: Extractor): ModelCard {
  const readme = join(x.path, 'README.md');
  return {
    path: x.path,
    relations: x.model.vocabs.relations,
    entityTypes: entityTypesOf(x.model.vocabs.ner),
    config: x.model.config,
    meta: x.model.meta,
    readme: existsSync(readme) ? readFileSync(readme, 'utf8') : null,
  };
}
