// Losses that reduce to a scalar mean over the batch: binary cross-entropy on
// logits (optionally weighted per sample) and squared error.
import CVRKernels

extension Tape {
  /// L = (1/N) Σ_i w_i · (max(z_i, 0) − z_i·y_i + log1p(e^−|z_i|)), the mean
  /// cross-entropy of σ(z) against labels y, stable for any |z|.
  ///
  /// Shapes: logits z with N elements (e.g. [N] or [N, 1]); labels and weights
  /// with N elements each; out [] (a scalar). The weighted loss is divided by N,
  /// not by Σ w, so weights scale each sample's share of the batch mean. Labels and
  /// weights are treated as constants (no gradient reaches them).
  /// Gradient: dL/dz_i = w_i · (σ(z_i) − y_i) / N.
  public func binaryCrossEntropyWithLogits(_ logits: Tensor, labels: Tensor, weights: Tensor? = nil) -> Tensor {
    let n = logits.count
    precondition(n > 0, "binaryCrossEntropyWithLogits: empty logits")
    precondition(labels.count == n, "binaryCrossEntropyWithLogits: labels \(labels.shape) for logits \(logits.shape)")
    if let weights {
      precondition(weights.count == n, "binaryCrossEntropyWithLogits: weights \(weights.shape) for logits \(logits.shape)")
    }
    let out = empty(Shape())
    let total = Loss.binaryCrossEntropyWithLogits(logits.data, labels: labels.data, weights: weights?.data, count: n)
    out.data[0] = Float(total / Double(n))
    var node = Node(BinaryCrossEntropyOp.self, output: out, logits, labels.detached, weights?.detached)
    node.floats.0 = 1 / Float(n)
    return record(node)
  }

  /// L = (1/N) Σ_i (p_i − t_i)², the mean squared error.
  ///
  /// Shapes: prediction and target of the same shape with N elements; out [].
  /// Gradient: dL/dp = 2(p − t)/N, dL/dt = −2(p − t)/N (both may be tracked).
  public func squaredError(_ prediction: Tensor, _ target: Tensor) -> Tensor {
    precondition(prediction.shape == target.shape, "squaredError: \(prediction.shape) vs \(target.shape)")
    let n = prediction.count
    precondition(n > 0, "squaredError: empty tensors")
    let out = empty(Shape())
    out.data[0] = Float(Loss.squaredError(prediction.data, target.data, count: n) / Double(n))
    var node = Node(SquaredErrorOp.self, output: out, prediction, target)
    node.floats.0 = 1 / Float(n)
    return record(node)
  }
}

/// Backward of the BCE mean: dz += g·w·(σ(z) − y)/N; a = logits, b = labels,
/// c = weights or nil; floats.0 = 1/N.
enum BinaryCrossEntropyOp: DifferentiableOp {
  static func backward(_ node: borrowing Node, gradOutput: UnsafeMutablePointer<Float>, tape: Tape) {
    guard let dz = tape.gradient(node.a) else { return }
    Loss.binaryCrossEntropyWithLogitsBackward(
      node.a!.data, labels: node.b!.data, weights: node.c?.data, count: node.a!.count,
      scale: gradOutput[0] * node.floats.0, into: dz)
  }
}

/// Backward of the squared-error mean: dp += 2g(p − t)/N, dt −= 2g(p − t)/N; floats.0 = 1/N.
enum SquaredErrorOp: DifferentiableOp {
  static func backward(_ node: borrowing Node, gradOutput: UnsafeMutablePointer<Float>, tape: Tape) {
    let p = node.a!, t = node.b!
    Loss.squaredErrorBackward(
      p.data, t.data, count: p.count, scale: gradOutput[0] * node.floats.0,
      dp: tape.gradient(p), dt: tape.gradient(t))
  }
}
