// Layer norm (per row, over the last axis) and batch norm (per feature, over
// every leading axis), with optional gain and bias. Statistics for backward are
// kept in the arena only when an input is tracked.
import CVRKernels

extension Tape {
  /// y = (x − μ) / √(σ² + ε) ⊙ gain + bias, μ and σ² (biased) over the last axis of each row.
  ///
  /// Shapes: x [..., n]; gain, bias [n] or nil (1 and 0); y like x. Saves the mean
  /// ([2, rows]: Float value and residual) and inverse standard deviation ([rows]) for backward.
  public func layerNorm(_ x: Tensor, gain: Tensor?, bias: Tensor?, epsilon: Float = 1e-5) -> Tensor {
    let (rows, cols) = (x.shape.rows, x.shape.last)
    precondition(gain.map { $0.count == cols } ?? true, "layerNorm: gain \(gain!.shape) for rows of \(cols)")
    precondition(bias.map { $0.count == cols } ?? true, "layerNorm: bias \(bias!.shape) for rows of \(cols)")
    let out = empty(x.shape)
    let tracking = isTracking(x, gain, bias)
    let mean = tracking ? arena.allocate(2 * rows) : nil
    let inverseStd = tracking ? arena.allocate(rows) : nil
    LayerNorm.forward(x.data, rows: rows, cols: cols, gain: gain.map { UnsafePointer($0.data) },
                      bias: bias.map { UnsafePointer($0.data) }, epsilon: epsilon, into: out.data,
                      mean: mean, inverseStd: inverseStd)
    var node = Node(LayerNormOp.self, output: out, x, gain, bias)
    node.saved = mean
    node.saved2 = inverseStd
    node.ints = (rows, cols, 0, 0)
    return record(node)
  }

  /// Batch norm over rows: y[:, j] = (x[:, j] − μ_j) / √(σ_j² + ε) · gain_j + bias_j.
  ///
  /// Shapes: x [..., C] seen as [N, C]; gain, bias [C] or nil; running statistics
  /// [C] (state parameters, never tracked). Training: μ, σ² (biased) from the
  /// batch, and on every call runningMean ← (1 − momentum)·runningMean + momentum·μ,
  /// runningVar likewise with the unbiased variance (PyTorch's rule; needs N ≥ 2).
  /// Inference: the running statistics, which makes it an affine map of x.
  public func batchNorm(
    _ x: Tensor, gain: Tensor?, bias: Tensor?, runningMean: Parameter, runningVar: Parameter,
    training: Bool, momentum: Float = 0.1, epsilon: Float = 1e-5
  ) -> Tensor {
    let (rows, cols) = (x.shape.rows, x.shape.last)
    precondition(gain.map { $0.count == cols } ?? true, "batchNorm: gain \(gain!.shape) for \(cols) features")
    precondition(bias.map { $0.count == cols } ?? true, "batchNorm: bias \(bias!.shape) for \(cols) features")
    precondition(runningMean.shape.count == cols && runningVar.shape.count == cols,
                 "batchNorm: running statistics \(runningMean.shape), \(runningVar.shape) for \(cols) features")
    let out = empty(x.shape)
    let tracking = isTracking(x, gain, bias)
    let mean = tracking ? arena.allocate(2 * cols) : nil
    let inverseStd = tracking ? arena.allocate(cols) : nil
    let (g, b) = (gain.map { UnsafePointer($0.data) }, bias.map { UnsafePointer($0.data) })
    if training {
      BatchNorm.trainingForward(
        x.data, rows: rows, cols: cols, gain: g, bias: b, epsilon: epsilon, momentum: momentum,
        runningMean: runningMean.value.baseAddress!, runningVariance: runningVar.value.baseAddress!,
        into: out.data, mean: mean, inverseStd: inverseStd)
    } else {
      BatchNorm.inferenceForward(
        x.data, rows: rows, cols: cols, gain: g, bias: b, epsilon: epsilon,
        runningMean: runningMean.value.baseAddress!, runningVariance: runningVar.value.baseAddress!,
        into: out.data, mean: mean, inverseStd: inverseStd)
    }
    var node = Node(BatchNormOp.self, output: out, x, gain, bias)
    node.saved = mean
    node.saved2 = inverseStd
    node.ints = (rows, cols, training ? 1 : 0, 0)
    return record(node)
  }
}

/// Backward of layer norm; saved = mean [2, rows] (value, residual), saved2 = inverse std [rows], ints = (rows, cols).
enum LayerNormOp: DifferentiableOp {
  static func backward(_ node: borrowing Node, gradOutput: UnsafeMutablePointer<Float>, tape: Tape) {
    let (rows, cols, _, _) = node.ints
    LayerNorm.backward(
      node.a!.data, gradOutput: gradOutput, rows: rows, cols: cols, gain: node.b.map { UnsafePointer($0.data) },
      mean: node.saved!, inverseStd: node.saved2!,
      dx: tape.gradient(node.a), dGain: tape.gradient(node.b), dBias: tape.gradient(node.c))
  }
}

/// Backward of batch norm; saved = mean [2, C] (value, residual), saved2 = inverse std [C] (batch or
/// running), ints = (rows, cols, 1 when batch statistics were used).
enum BatchNormOp: DifferentiableOp {
  static func backward(_ node: borrowing Node, gradOutput: UnsafeMutablePointer<Float>, tape: Tape) {
    let (rows, cols, training, _) = node.ints
    BatchNorm.backward(
      node.a!.data, gradOutput: gradOutput, rows: rows, cols: cols, gain: node.b.map { UnsafePointer($0.data) },
      mean: node.saved!, inverseStd: node.saved2!, batchStatistics: training == 1,
      dx: tape.gradient(node.a), dGain: tape.gradient(node.b), dBias: tape.gradient(node.c))
  }
}
