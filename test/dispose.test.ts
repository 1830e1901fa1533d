/** Disposing a loaded model frees its weights; a disposed model refuses work with a clear error. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { UserError } from '../src/core/errors.ts';
import { loadModel } from '../src/extract/load.ts';
import { setup } from './helpers.ts';

const SENTENCE = 'Aarhus is in Denmark.';

test('loadModel + extract + dispose leaves no tensor behind, however often it is done', { timeout: 120_000 }, async () => {
  await setup();
  const x0 = await loadModel('models/webnlg-exact-paper');
  x0.extractSync(SENTENCE); // the first run makes the few constants the kernels keep for good
  x0.dispose();
  const base = tf.memory().numTensors;
  for (let k = 0; k < 3; k++) {
    const x = await loadModel('models/webnlg-exact-paper');
    assert.ok(tf.memory().numTensors > base, 'loading makes the weights');
    x.extractSync(SENTENCE);
    x.dispose();
    assert.equal(tf.memory().numTensors, base, `round ${k}: tensors left after dispose`);
  }
});

test('a disposed extractor says so with a UserError, as for other misuse, instead of failing inside the engine', { timeout: 120_000 }, async () => {
  await setup();
  const x = await loadModel('models/webnlg-exact-paper');
  x.dispose();
  const misuse = (e: Error) => e instanceof UserError && /was disposed; load it again/.test(e.message);
  assert.throws(() => x.extractSync(SENTENCE), misuse);
  await assert.rejects(x.extract([SENTENCE]), misuse);
  await assert.rejects(x.extractStream([SENTENCE]).next(), misuse);
  x.dispose(); // twice is harmless
});
