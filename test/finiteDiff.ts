/** Central finite differences for the custom-op tests. */
import * as tf from '@tensorflow/tfjs';

/** Central finite differences of scalar f at a few coordinates of x (in float64 on the host). */
export function finiteDiff(f: (x: tf.Tensor) => tf.Scalar, x: tf.Tensor, coords: number[], eps = 1e-2): number[] {
  const base = x.dataSync().slice();
  return coords.map((k) => {
    const at = (d: number) => {
      const v = base.slice();
      v[k] += d;
      return tf.tidy(() => f(tf.tensor(v, x.shape)).dataSync()[0]);
    };
    return (at(eps) - at(-eps)) / (2 * eps);
  });
}
