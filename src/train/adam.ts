/**
 * Adam (Kingma & Ba 2015) whose state is ours: moments keyed by parameter name plus the step
 * count, so a checkpoint can be checked against the model by name and shape instead of reading
 * tfjs's private fields by position. The arithmetic is tf.train.adam's (tfjs 4), op for op, so
 * runs are the ones it gave: β^t kept in float32, bias correction by division, ε = 1e-7 added to √v̂.
 */
import * as tf from '@tensorflow/tfjs';
import { UserError } from '../core/errors.ts';
import { nativeAdam } from '../engine/native.ts';
import { copyOf, tensorFrom } from '../engine/scratch.ts';
import type { Params } from '../model/params.ts';

const BETA1 = 0.9;
const BETA2 = 0.999;
const EPSILON = 1e-7;

export interface Moments {
  m: tf.Variable;
  v: tf.Variable;
}

/** One parameter's moments as plain arrays (a checkpoint). */
export interface SavedMoments {
  shape: number[];
  m: Float32Array;
  v: Float32Array;
}

/** β^t as tfjs computes it: a float32 scalar multiplied by β once per step. */
function powF32(beta: number, t: number): number {
  const b = Math.fround(beta);
  let acc = b;
  for (let k = 1; k < t; k++) acc = Math.fround(acc * b);
  return acc;
}

const sameShape = (a: number[], b: number[]) => a.length === b.length && a.every((x, k) => x === b[k]);

export class Adam {
  /** Parameter name → moments, one entry per trainable parameter. */
  readonly moments = new Map<string, Moments>();
  /** Updates applied so far. */
  step = 0;
  /** tf.Variable name → parameter name (gradients come keyed by the former). */
  private readonly paramOf = new Map<string, string>();

  constructor(
    private readonly params: Params,
    public lr: number,
  ) {
    for (const [name, p] of params) {
      if (!p.trainable) continue;
      this.paramOf.set(p.name, name);
      this.moments.set(name, { m: tf.tidy(() => tf.zerosLike(p).variable(false)), v: tf.tidy(() => tf.zerosLike(p).variable(false)) });
    }
  }

  /** An optimiser in the state a checkpoint saved; a name or shape that does not fit the model is a UserError. */
  static restore(params: Params, lr: number, step: number, saved: Map<string, SavedMoments>, where: string): Adam {
    const fix = 'the checkpoint does not fit this version of rin; start a new run (drop --resume, add --overwrite)';
    for (const [name, p] of params) {
      if (!p.trainable) continue;
      const s = saved.get(name);
      if (!s) throw new UserError(`${where}: no optimiser state for parameter "${name}"; ${fix}`);
      if (!sameShape(s.shape, p.shape)) throw new UserError(`${where}: optimiser state for parameter "${name}" has shape [${s.shape}], the model's is [${p.shape}]; ${fix}`);
    }
    for (const name of saved.keys()) if (!params.get(name)?.trainable) throw new UserError(`${where}: optimiser state for "${name}", which is not a trainable parameter of the model; ${fix}`);
    const opt = new Adam(params, lr);
    opt.step = step;
    for (const [name, { m, v }] of opt.moments) {
      const s = saved.get(name)!;
      // assign() shares the source's data, so the source tensors are released right after.
      tf.tidy(() => {
        m.assign(tf.tensor(s.m, s.shape));
        v.assign(tf.tensor(s.v, s.shape));
      });
    }
    return opt;
  }

  /** One update from gradients keyed by tf.Variable name (what tf.variableGrads returns). */
  applyGradients(grads: tf.NamedTensorMap): void {
    this.applyHost(new Map(Object.entries(grads).map(([k, g]) => [k, g.dataSync() as Float32Array])), 1);
  }

  /**
   * One update from gradients on the host, keyed by tf.Variable name, each multiplied by `scale`
   * first (clipping). One pass per parameter in plain loops instead of ~12 kernels each: the
   * arithmetic is tfjs's op for op, each operation rounded to float32 as its kernels round it,
   * so the result is bit for bit the kernels' (test/adam.test.ts).
   */
  applyHost(grads: Map<string, Float32Array>, scale: number): void {
    this.step++;
    const f = Math.fround;
    // 1 - β^t as tfjs's float32 scalar ops give it; every constant as the float32 scalar tfjs makes of it.
    const c1 = f(1 - powF32(BETA1, this.step));
    const c2 = f(1 - powF32(BETA2, this.step));
    const [b1, b1c, b2, b2c, eps, lr, s] = [BETA1, 1 - BETA1, BETA2, 1 - BETA2, EPSILON, -this.lr, scale].map(f);
    const k = new Float32Array([s, b1, b1c, b2, b2c, c1, c2, eps, lr]); // native/rin_native.c adam()
    for (const [varName, g] of grads) {
      const name = this.paramOf.get(varName);
      if (name === undefined) throw new Error(`Adam: gradient for ${varName}, which is not a trainable parameter of this optimiser's model`);
      const p = this.params.get(name)!;
      const { m, v } = this.moments.get(name)!;
      if (g.length !== p.size) throw new Error(`Adam: gradient for ${name} has ${g.length} values, the parameter ${p.size}`);
      if (nativeAdam(p, m, v, g, k)) continue;
      const [pv, mv, vv] = [p, m, v].map(copyOf); // one pooled copy each (the cpu backend hands out its own arrays)
      for (let i = 0; i < pv.length; i++) {
        const gi = s === 1 ? g[i] : f(g[i] * s);
        const m1 = f(f(mv[i] * b1) + f(gi * b1c));
        const v1 = f(f(vv[i] * b2) + f(f(gi * gi) * b2c));
        const mHat = f(m1 / c1);
        const vHat = f(v1 / c2);
        mv[i] = m1;
        vv[i] = v1;
        pv[i] = f(f(f(mHat / f(f(Math.sqrt(vHat)) + eps)) * lr) + pv[i]);
      }
      // assign() shares the new tensor's data; disposing the tensor leaves it to the variable.
      for (const [t, vals] of [
        [p, pv],
        [m, mv],
        [v, vv],
      ] as const) {
        const src = tensorFrom(vals, t.shape); // the array goes back to the pool on wasm
        t.assign(src);
        src.dispose();
      }
    }
  }

  /** The moments as named tensors, `NAME/m` and `NAME/v` (for packWeights). */
  named(): { name: string; tensor: tf.Tensor }[] {
    return [...this.moments].flatMap(([name, { m, v }]) => [
      { name: `${name}/m`, tensor: m },
      { name: `${name}/v`, tensor: v },
    ]);
  }

  dispose(): void {
    for (const { m, v } of this.moments.values()) tf.dispose([m, v]);
    this.moments.clear();
  }
}
