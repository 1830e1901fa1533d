/**
 * A fixed, seeded run on untyped data: a tiny RIN trained 60 steps on the 8 fixture sentences,
 * then its predictions. test/golden/untyped.json holds this run's output as the code produced it
 * before entity types existed (made by `node --import tsx scripts/make-golden.ts` at commit
 * 4133a3f); the typed-entity test checks the untyped path still gives exactly that.
 */
import * as tf from '@tensorflow/tfjs';
import { Encoder, newStats } from '../src/features/encode.ts';
import { posTags } from '../src/features/pos.ts';
import { buildVocabs } from '../src/features/vocab.ts';
import { Rng } from '../src/engine/rng.ts';
import { predict } from '../src/eval/predict.ts';
import { sizesOf } from '../src/io/modelDir.ts';
import { makeBatch } from '../src/model/batch.ts';
import { modelConfig, trainConfig } from '../src/model/config.ts';
import { disposeParams, initParams } from '../src/model/params.ts';
import { bucketedBatches } from '../src/model/batches.ts';
import { trainStep } from '../src/train/step.ts';
import { tinySentences } from './fixtures.ts';

export function untypedRun(): unknown {
  const sents = tinySentences();
  const vocabs = buildVocabs(sents, (s) => posTags(s.tokens));
  const config = modelConfig({ rounds: 2, wordDim: 16, posDim: 4, hiddenDim: 24, taskDim: 24, reDim: 16, intDim: 16, inputDropout: 0.1 });
  const params = initParams(config, sizesOf(vocabs), 7);
  const enc = new Encoder(vocabs);
  const data = sents.map((s) => enc.encode(s, { spans: 'full', partialNer: 'head', selfPairs: false }, newStats()));
  const opt = tf.train.adam(0.01);
  const rng = new Rng(3);
  for (let step = 0; step < 60; ) {
    for (const idx of bucketedBatches(
      data.map((d) => d.words.length),
      4,
      rng,
    )) {
      if (step++ >= 60) break;
      trainStep(params, config, opt, makeBatch(idx.map((k) => data[k])), rng.int(), 5);
    }
  }
  opt.dispose();
  const model = { config, train: trainConfig({}), vocabs, params, meta: { codeVersion: 'test', seed: 7, spans: 'full' as const, createdAt: '' } };
  const { predictions } = predict(model, sents, { threshold: 0.3 });
  disposeParams(params);
  // Scores rounded: the golden file pins behaviour, not the last float bit of a sigmoid.
  return predictions.map((p) => ({ entities: p.entities, triples: p.triples.map((t) => ({ ...t, score: Math.round(t.score * 1e5) / 1e5 })) }));
}
