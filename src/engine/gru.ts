/**
 * Eq. 4-7, one GRU update, as ONE custom op on the native addon (native/rin_native.c): two
 * matmuls and the gate arithmetic forward, six matmuls back, instead of ~12 kernels forward and
 * ~25 backward (each with tens of µs of overhead on wasm, whatever its size). Without the addon
 * the model uses its tfjs-ops form (model/interaction.ts gruUpdate), the same function.
 *
 *   z = σ([h, x]·Wz)   u = σ([h, x]·Wu)   c = tanh([u∘h, x]·Wo)   h' = h + z∘(c − h)
 */
import * as tf from '@tensorflow/tfjs';
import { custom } from './custom.ts';
import type { Addon } from './addon.ts';

const host = (t: tf.Tensor) => t.dataSync() as Float32Array;

/** h [N, d], x [N, dx], Wz, Wu, Wo [d+dx, d] → h' [N, d]. */
export function nativeGru(native: Addon, h: tf.Tensor2D, x: tf.Tensor2D, Wz: tf.Tensor2D, Wu: tf.Tensor2D, Wo: tf.Tensor2D): tf.Tensor2D {
  const f = custom((ht: tf.Tensor, xt: tf.Tensor, wz: tf.Tensor, wu: tf.Tensor, wo: tf.Tensor) => {
    const [N, d] = ht.shape as [number, number];
    const dx = xt.shape[1] as number;
    const [hv, xv, wzv, wuv, wov] = [ht, xt, wz, wu, wo].map(host);
    const hx = new Float32Array(N * (d + dx)); // [N, d+dx]
    const ux = new Float32Array(N * (d + dx)); // [N, d+dx]
    const [z, u, c, out] = [0, 0, 0, 0].map(() => new Float32Array(N * d)); // [N, d] each
    native.gruForward(hv, xv, wzv, wuv, wov, N, d, dx, hx, ux, z, u, c, out);
    return {
      value: tf.tensor2d(out, [N, d]), // [N, d]
      gradFunc: (dy: tf.Tensor) => {
        const dh = new Float32Array(N * d); // [N, d]
        const dxo = new Float32Array(N * dx); // [N, dx]
        const [dWz, dWu, dWo] = [0, 0, 0].map(() => new Float32Array((d + dx) * d)); // [d+dx, d] each
        native.gruBackward(host(dy), hv, wzv, wuv, wov, N, d, dx, hx, ux, z, u, c, dh, dxo, dWz, dWu, dWo);
        return [tf.tensor2d(dh, [N, d]), tf.tensor2d(dxo, [N, dx]), tf.tensor2d(dWz, [d + dx, d]), tf.tensor2d(dWu, [d + dx, d]), tf.tensor2d(dWo, [d + dx, d])];
      },
    };
  });
  return f(h, x, Wz, Wu, Wo) as tf.Tensor2D;
}
