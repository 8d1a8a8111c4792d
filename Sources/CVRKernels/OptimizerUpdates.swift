// The element-wise optimizer updates (Adagrad, Adam) over contiguous runs of
// floats in the C vector kernels, for CVROptim, which must not import C targets.
// Formulas: CVROptim's Adagrad and Adam (torch.optim semantics); the C bodies
// round each operation as the Swift reference kernels there do (bit for bit).
import CVecKernels

package enum OptimizerUpdates {
  /// d = g + decay·p; s += d²; p −= lr·d / (√max(s, 0) + ε) over `count` elements.
  @inline(__always)
  package static func adagrad(
    value p: UnsafeMutablePointer<Float>, gradient g: UnsafePointer<Float>, sum s: UnsafeMutablePointer<Float>,
    count: Int, learningRate: Float, epsilon: Float, weightDecay: Float,
    kernels: UnsafePointer<cvec_kernels> = VectorKernels.best
  ) {
    kernels.pointee.adagrad_update(p, g, s, count, learningRate, epsilon, weightDecay)
  }

  /// d = g + coupled·p; m = β1·m + (1−β1)·d; v = β2·v + (1−β2)·d²;
  /// p = keep·p − stepSize·m / (√max(v, 0)·varianceScale + ε) over `count` elements.
  @inline(__always)
  package static func adam(
    value p: UnsafeMutablePointer<Float>, gradient g: UnsafePointer<Float>, m: UnsafeMutablePointer<Float>,
    v: UnsafeMutablePointer<Float>, count: Int, beta1: Float, beta2: Float, stepSize: Float, varianceScale: Float,
    epsilon: Float, coupledDecay: Float, keep: Float, kernels: UnsafePointer<cvec_kernels> = VectorKernels.best
  ) {
    kernels.pointee.adam_update(p, g, m, v, count, beta1, beta2, stepSize, varianceScale, epsilon, coupledDecay, keep)
  }
}
