/**
 * rin — joint entity and relation extraction with the Recurrent Interaction Network
 * (Sun et al., EMNLP 2020). The package's public surface (`import … from 'rin'`):
 *
 *   const model = await loadModel();            // the shipped WebNLG model, or loadModel(dir)
 *   const { entities, triples } = await model.extract('Aarhus is in Denmark.');
 *
 * Lower-level pieces (the model's forward pass, batches, vocabularies, word vectors, the model
 * directory reader and writer, dataset writers…) are in `rin/internals` (src/internals.ts): they
 * are for experiments and may change between minor versions.
 */

// Raw text → triples: load a model directory, then extract / extractStream (extractSync: tfjs only).
export { loadModel, modelCard, DEFAULT_MODEL_PATH, type ModelCard, type ExtractorOptions, type EngineChoice } from './extract/load.ts';
export type { LoadModelOptions, RinModel } from './io/modelDir.ts';
export { Extractor, type Extraction, type ExtractedTriple, type Mention, type ExtractOptions, type AsyncExtractOptions } from './extract/extractor.ts';
// Every core: the same extract() on worker threads, one model each; both are an ExtractionService.
export { ExtractorPool, type PoolOptions } from './extract/pool.ts';
export type { ExtractionService, RunOptions } from './extract/service.ts';
// loadModel starts the compute backend itself; call this first only to choose one (RIN_BACKEND does too).
export { initBackend, type BackendName } from './engine/backend.ts';

// Triples as a knowledge graph: N-Triples, Turtle or JSON-LD, with NIF provenance.
export { toRdf, RDF_FORMATS, type RdfFormat, type RdfOptions } from './rdf/write.ts';

// The HTTP service and web page of `rin serve`, on an Extractor.
export { createApp, type ServiceOptions } from './serve/app.ts';
export { startServer, type ServerOptions, type RunningServer } from './serve/server.ts';

// Your own data: read and check a dataset file, train a model, score one (`rin train`, `rin eval`).
export { loadDataset, type Format, type LoadOptions, type LoadedDataset } from './dataset/load.ts';
export { validateFile, describeValidation, type Validation } from './dataset/validate.ts';
export { train, type TrainOptions, type TrainResult } from './train/trainer.ts';
export type { EpochRecord } from './train/history.ts';
export { PRESET_NAMES, type PresetName } from './model/presets.ts';
export type { ModelConfig, TrainConfig } from './model/config.ts';
export { evaluate, type Evaluation, type EvaluateOptions } from './eval/evaluate.ts';
export { formatScores, type Scores, type PRF, type MatchMode } from './eval/metrics.ts';
export type { Dataset, Sentence, Span, Entity, SpanKind, Triple, Problem, LoadReport } from './core/types.ts';

// Every user error (bad file, bad record, bad option) is a UserError with a one-line message.
export { UserError, TimeLimitError, WorkerCrashError } from './core/errors.ts';
