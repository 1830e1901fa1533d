/**
 * A training replica (worker thread): its own tfjs backend and copy of the parameters. For each
 * job it reads the current weights from shared memory, computes its part's loss and gradients,
 * and writes them to its shared gradient buffer; the main thread sums and applies them (pool.ts).
 */
import * as tf from '@tensorflow/tfjs';
import { serveJobs } from '../core/workerPool.ts';
import { type BackendName, initBackend } from '../engine/backend.ts';
import { view } from '../engine/scratch.ts';
import { type Params, makeVariable } from '../model/params.ts';
import { slot } from './layout.ts';
import { gradients } from './step.ts';
import type { PartJob, PartReply, ReplicaSetup } from './wire.ts';

await serveJobs<ReplicaSetup, PartJob, PartReply, null>(async ({ backend, cfg, layout, weights: wBuf, grads: gBufs }) => {
  const weights = new Float32Array(wBuf);
  await initBackend(backend as BackendName);
  const onWasm = tf.getBackend() === 'wasm';
  const params: Params = new Map(layout.names.map((name, k) => [name, makeVariable(slot(weights, layout, k).slice(), layout.shapes[k], layout.trainable[k], name)]));

  /** The weights the main thread published after its last update (a copy: tf.tensor on the cpu backend keeps its array, and the slot is rewritten). */
  const refresh = () =>
    tf.tidy(() => {
      layout.names.forEach((name, k) => {
        if (layout.trainable[k]) params.get(name)!.assign(tf.tensor(onWasm ? slot(weights, layout, k) : slot(weights, layout, k).slice(), layout.shapes[k])); // wasm copies into its heap
      });
    });

  const run = (job: PartJob): PartReply => {
    refresh();
    const grads = new Float32Array(gBufs[job.replica]);
    const g = gradients(params, cfg, job.batch, job.seed, job.weight);
    const present = layout.names.map((name, k) => {
      const t = g.grads[params.get(name)!.name];
      if (t) slot(grads, layout, k).set(view(t));
      return !!t;
    });
    tf.dispose(Object.values(g.grads));
    return { loss: g.loss, nerLoss: g.nerLoss, relLoss: g.relLoss, present };
  };
  return { info: null, run };
});
