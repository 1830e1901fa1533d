/** A matmul whose operands and result live on the host (the JavaScript BiLSTM's loops). */
import * as tf from '@tensorflow/tfjs';

/** A constant right operand [rows, cols] on the host, uploaded to the backend once, at first use. */
export class HostMatrix {
  private t?: tf.Tensor2D;
  constructor(
    readonly values: Float32Array,
    readonly rows: number,
    readonly cols: number,
  ) {}

  tensor(): tf.Tensor2D {
    this.t ??= tf.tensor2d(this.values, [this.rows, this.cols]);
    return this.t;
  }

  dispose(): void {
    this.t?.dispose();
    this.t = undefined;
  }
}

/**
 * a [M, b.rows] · b → [M, b.cols] on the backend, read back. Not through tf.tidy: tidy walks a
 * returned typed array element by element, which costs more than the matmul.
 */
export function matMulHost(a: Float32Array, M: number, b: HostMatrix): Float32Array {
  const at = tf.tensor2d(a, [M, b.rows]);
  const out = tf.matMul(at, b.tensor());
  const v = out.dataSync() as Float32Array;
  tf.dispose([at, out]);
  return v;
}
