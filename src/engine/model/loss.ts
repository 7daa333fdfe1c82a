import * as tf from '@tensorflow/tfjs';
import { AppError } from '../../shared/errors';

/**
 * Pixel-wise weighted softmax cross-entropy (U-Net eq. 1):
 *   E = sum_x w(x) * -log softmax(logits(x))[target(x)] / #{x : w(x) > 0}.
 * Unlabelled pixels carry w = 0 and enter neither the sum nor the normalisation; with no
 * labelled pixel at all the loss is 0. Uses logSoftmax (stable for large logits).
 * logits [B, H, W, C] float32, targets [B, H, W] int32 class indices in 0..C-1, weights [B, H, W].
 * Returns a scalar the caller disposes.
 */
export function weightedSoftmaxCrossEntropy(
  logits: tf.Tensor4D,
  targets: tf.Tensor3D,
  weights: tf.Tensor3D,
): tf.Scalar {
  const [b, h, w, classes] = logits.shape;
  const expected = [b, h, w].join(',');
  if (targets.shape.join(',') !== expected || weights.shape.join(',') !== expected) {
    throw new AppError(
      'size_mismatch',
      `Loss: targets [${targets.shape.join(', ')}] and weights [${weights.shape.join(', ')}] must match logits [${logits.shape.join(', ')}] without the class axis`,
    );
  }
  return tf.tidy(() => {
    const logProbabilities = tf.logSoftmax(logits);
    const oneHot = tf.oneHot(tf.cast(targets, 'int32'), classes);
    const nll = tf.neg(tf.sum(tf.mul(logProbabilities, oneHot), -1));
    const total = tf.sum(tf.mul(nll, weights));
    const labelled = tf.maximum(tf.sum(tf.cast(tf.greater(weights, 0), 'float32')), 1);
    return tf.div(total, labelled) as tf.Scalar;
  });
}
