/**
 * rin — joint entity and relation extraction with the Recurrent Interaction Network
 * (Sun et al., EMNLP 2020). The one public surface of the package.
 */
export { initBackend, type BackendName } from './engine/backend.ts';

// Raw text → triples (the main job)
export { loadModel, modelCard, DEFAULT_MODEL_PATH, type ModelCard } from './extract/load.ts';
export { Extractor, TimeLimitError, type Extraction, type ExtractedTriple, type Mention, type ExtractOptions, type AsyncExtractOptions } from './extract/extractor.ts';
export { splitText, type TextSentence, type TextToken } from './text/split.ts';
export { createApp, type ServiceOptions } from './serve/app.ts';
export { startServer, type ServerOptions, type RunningServer } from './serve/server.ts';

// Data
export { loadDataset, describeReport, type Format, type LoadOptions, type LoadedDataset } from './data/load.ts';
export { writeDataset, OUTPUT_FORMATS, type OutputFormat, type Written } from './data/write.ts';
export { validateFile, validateDataset, describeValidation, type Validation } from './data/validate.ts';
export { loadVectors, type Vectors } from './data/embeddings.ts';
export { loadVectorTable, vectorCacheDir, DEFAULT_VECTORS, type VectorTable } from './data/vectorTable.ts';
export { tokenize } from './data/casrel.ts';
export { UserError, type Dataset, type Sentence, type Span, type Entity, type SpanKind, type Triple, type Problem, type LoadReport } from './data/types.ts';
export { type Vocabs, nerTags, entityTypesOf } from './data/vocab.ts';

// Model
export { type ModelConfig, type TrainConfig, type Variant, DEFAULT_MODEL, DEFAULT_TRAIN, modelConfig, trainConfig } from './model/config.ts';
export { PRESETS, PRESET_NAMES, type PresetName, type Preset } from './model/presets.ts';
export { forward, type Logits, type ForwardOptions } from './model/rin.ts';
export { type Batch, makeBatch } from './model/batch.ts';
export { loadModel as loadModelDir, saveModel, type RinModel, type ModelMeta, type LoadModelOptions } from './io/modelDir.ts';

// Training and evaluation
export { train, resolveSettings, type TrainOptions, type TrainResult } from './train/trainer.ts';
export type { EpochRecord } from './train/checkpoint.ts';
export { predict, type PredictOptions, type PredictResult } from './eval/predict.ts';
export { evaluate, type Evaluation, type EvaluateOptions } from './eval/evaluate.ts';
export { seenSplit } from './eval/seen.ts';
export { type Prediction, type PredictedTriple } from './eval/decode.ts';
export { type Scores, type PRF, type MatchMode, type ScoreOptions, formatScores } from './eval/metrics.ts';
export { codeVersion } from './version.ts';
