/**
 * `rin/internals`: the lower-level pieces under the public surface (src/index.ts), for
 * experiments and tools. Not a stable API: names and signatures may change between minor versions.
 */

// Model directories: the low-level reader (a RinModel, no Extractor, no backend start) and writer.
export { readModelDir, saveModel, type ModelMeta } from './io/modelDir.ts';
export { modelParams } from './io/modelParams.ts';

// Text and data
export { splitText, type TextSentence, type TextToken } from './text/split.ts';
export { describeReport } from './dataset/load.ts';
export { writeDataset, OUTPUT_FORMATS, type OutputFormat, type Written } from './dataset/write.ts';
export { validateDataset } from './dataset/validate.ts';
export { loadVectors, type Vectors } from './features/embeddings.ts';
export { loadVectorTable, vectorCacheDir, DEFAULT_VECTORS, type VectorTable } from './features/vectorTable.ts';
export { tokenize } from './dataset/casrel.ts';
export { type Vocabs, nerTags, entityTypesOf } from './features/vocab.ts';

// Model
export { DEFAULT_MODEL, DEFAULT_TRAIN, modelConfig, trainConfig, type Variant } from './model/config.ts';
export { PRESETS, type Preset } from './model/presets.ts';
export { forward, type Logits, type ForwardOptions } from './model/rin.ts';
export { type Batch, makeBatch } from './model/batch.ts';

// Training and evaluation
export { resolveSettings } from './train/trainer.ts';
export { predict, predictAsync, type InferFn, type PredictOptions, type PredictResult } from './eval/predict.ts';

// ONNX: the forward pass as an ONNX graph (rin export --onnx), and an onnxruntime-node session over it.
export { exportOnnx } from './onnx/export.ts';
export { OnnxRunner, loadOrt, type RunnerOptions, type InferredLogits } from './onnx/runner.ts';
export { seenSplit } from './eval/seen.ts';
export type { Prediction, PredictedTriple } from './eval/decode.ts';
export type { ScoreOptions } from './eval/metrics.ts';
export { codeVersion } from './core/version.ts';
