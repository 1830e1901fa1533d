/**
 * Eq. 4-7, one GRU update, as ONE custom op on the native addon (native/rin_native.c): three
 * matmuls and the gate arithmetic forward, six matmuls back, instead of ~12 kernels forward and
 * ~25 backward (each with tens of µs of overhead on wasm, whatever its size). Without the addon
 * the model uses its tfjs-ops form (model/interaction.ts gruUpdate), the same function.
 *
 *   z = σ([h, x]·Wz)   u = σ([h, x]·Wu)   c = tanh([u∘h, x]·Wo)   h' = h + z∘(c − h)
 */
import type * as tf from '@tensorflow/tfjs';
import type { Addon } from './addon.ts';
import { custom } from './custom.ts';
import { give, take, tensorFrom, view } from './scratch.ts';

/** h [N, d], x [N, dx], Wz, Wu, Wo [d+dx, d] → h' [N, d]. */
export function nativeGru(native: Addon, h: tf.Tensor2D, x: tf.Tensor2D, Wz: tf.Tensor2D, Wu: tf.Tensor2D, Wo: tf.Tensor2D): tf.Tensor2D {
  const f = custom((ht: tf.Tensor, xt: tf.Tensor, wz: tf.Tensor, wu: tf.Tensor, wo: tf.Tensor) => {
    const [N, d] = ht.shape as [number, number];
    const dx = xt.shape[1] as number;
    const w = d + dx;
    // Inputs are read through views of the wasm heap, taken right at each call (a view lasts only
    // until the backend allocates): the weights again in the backward (the op's inputs live until
    // the gradients are taken); h is kept as the first d columns of hx = [h, x].
    const [hx, ux] = [take(N * w), take(N * w)]; // [N, d+dx] each
    const [z, u, c, out] = [take(N * d), take(N * d), take(N * d), take(N * d)]; // [N, d] each
    native.gruForward(view(ht), view(xt), view(wz), view(wu), view(wo), N, d, dx, hx, ux, z, u, c, out);
    return {
      value: tensorFrom(out, [N, d]), // [N, d]
      gradFunc: (dy: tf.Tensor) => {
        const [dh, dxo] = [take(N * d), take(N * dx)]; // [N, d], [N, dx]
        const [dWz, dWu, dWo] = [take(w * d), take(w * d), take(w * d)]; // [d+dx, d] each
        native.gruBackward(view(dy), view(wz), view(wu), view(wo), N, d, dx, hx, ux, z, u, c, dh, dxo, dWz, dWu, dWo);
        give(hx, ux, z, u, c);
        return [tensorFrom(dh, [N, d]), tensorFrom(dxo, [N, dx]), tensorFrom(dWz, [w, d]), tensorFrom(dWu, [w, d]), tensorFrom(dWo, [w, d])];
      },
    };
  });
  return f(h, x, Wz, Wu, Wo) as tf.Tensor2D;
}
