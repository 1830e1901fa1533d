/** A matmul on the backend whose operand and result live on the host (the custom ops' loops). */
import * as tf from '@tensorflow/tfjs';

/**
 * a · b, read back. Not through tf.tidy: tidy walks a returned typed array element by element,
 * which costs more than the matmul.
 */
export function matMulHost(a: Float32Array, aShape: number[], b: tf.Tensor): Float32Array {
  const at = tf.tensor(a, aShape);
  const out = tf.matMul(at, b);
  const v = out.dataSync() as Float32Array;
  tf.dispose([at, out]);
  return v;
}
