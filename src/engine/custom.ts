/** tf.customGrad with plain tensor arguments (its typings mix in the save function). */
import * as tf from '@tensorflow/tfjs';

export type GradResult = { value: tf.Tensor; gradFunc: (dy: tf.Tensor) => tf.Tensor | tf.Tensor[] };

export function custom(f: (...xs: tf.Tensor[]) => GradResult): (...xs: tf.Tensor[]) => tf.Tensor {
  return tf.customGrad(f as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (...xs: tf.Tensor[]) => tf.Tensor;
}
