// Pointwise activations: relu, leakyRelu, sigmoid, tanh, softplus, exp, log,
// clamp. Each output has the input's shape. Backward reads the input or, where
// the derivative is a function of the output (sigmoid, tanh, exp), the output:
// nothing extra is saved. Large inputs are split over the threads (thresholds
// measured in Threads.swift).
import CVRKernels

extension Tape {
  /// out = kernel(x), split over the threads in chunks of at least `minimumChunk`.
  private func pointwise(
    _ x: Tensor, minimumChunk: Int,
    _ kernel: (UnsafePointer<Float>, _ into: UnsafeMutablePointer<Float>, _ count: Int) -> Void
  ) -> Tensor {
    let out = empty(x.shape)
    Threads.parallelFor(total: x.count, minimum: minimumChunk) { _, r in
      kernel(x.data + r.lowerBound, out.data + r.lowerBound, r.count)
    }
    return out
  }

  /// y = max(x, 0). Gradient: 1 for x > 0, 0 for x ≤ 0 (ReLU'(0) = 0).
  public func relu(_ x: Tensor) -> Tensor {
    let out = pointwise(x, minimumChunk: Threads.minimumStreamingChunk, Activation.reluForward)
    return record(Node(ReluOp.self, output: out, x))
  }

  /// y = x for x > 0, slope·x otherwise. Gradient: 1 for x > 0, `slope` for
  /// x ≤ 0 (so leaky ReLU'(0) = slope).
  public func leakyRelu(_ x: Tensor, slope: Float = 0.01) -> Tensor {
    let out = empty(x.shape)
    Activation.leakyReluForward(x.data, slope: slope, into: out.data, count: x.count)
    var node = Node(LeakyReluOp.self, output: out, x)
    node.floats.0 = slope
    return record(node)
  }

  /// y = σ(x) = 1 / (1 + e^−x), stable for any x. Gradient: y·(1 − y).
  public func sigmoid(_ x: Tensor) -> Tensor {
    let out = pointwise(x, minimumChunk: Threads.minimumTranscendentalChunk, Activation.sigmoidForward)
    return record(Node(SigmoidOp.self, output: out, x))
  }

  /// y = tanh(x). Gradient: 1 − y².
  public func tanh(_ x: Tensor) -> Tensor {
    let out = pointwise(x, minimumChunk: Threads.minimumTranscendentalChunk, Activation.tanhForward)
    return record(Node(TanhOp.self, output: out, x))
  }

  /// y = log(1 + e^x) = max(x, 0) + log1p(e^−|x|), stable for any x. Gradient: σ(x).
  public func softplus(_ x: Tensor) -> Tensor {
    let out = pointwise(x, minimumChunk: Threads.minimumTranscendentalChunk, Activation.softplusForward)
    return record(Node(SoftplusOp.self, output: out, x))
  }

  /// y = e^x (0 below −86.6, +inf above 88.7). Gradient: y.
  public func exp(_ x: Tensor) -> Tensor {
    let out = pointwise(x, minimumChunk: Threads.minimumTranscendentalChunk, Activation.expForward)
    return record(Node(ExpOp.self, output: out, x))
  }

  /// y = ln x, for x > 0. Gradient: 1 / x.
  public func log(_ x: Tensor) -> Tensor {
    let out = empty(x.shape)
    Activation.logForward(x.data, into: out.data, count: x.count)
    return record(Node(LogOp.self, output: out, x))
  }

  /// y = min(max(x, min), max). Gradient: 1 strictly inside (min, max), 0 at
  /// either edge and outside, so a value pinned at a bound receives nothing.
  public func clamp(_ x: Tensor, min lower: Float, max upper: Float) -> Tensor {
    precondition(lower <= upper, "clamp: min \(lower) > max \(upper)")
    let out = empty(x.shape)
    Activation.clampForward(x.data, lower: lower, upper: upper, into: out.data, count: x.count)
    var node = Node(ClampOp.self, output: out, x)
    node.floats = (lower, upper)
    return record(node)
  }
}

/// Backward of relu: dx += g·[x > 0].
enum ReluOp: DifferentiableOp {
  static func backward(_ node: borrowing Node, gradOutput: UnsafeMutablePointer<Float>, tape: Tape) {
    guard let dx = tape.gradient(node.a) else { return }
    Activation.reluBackward(node.a!.data, gradOutput: gradOutput, into: dx, count: node.output.count)
  }
}

/// Backward of leakyRelu: dx += g for x > 0, slope·g otherwise; floats.0 = slope.
enum LeakyReluOp: DifferentiableOp {
  static func backward(_ node: borrowing Node, gradOutput: UnsafeMutablePointer<Float>, tape: Tape) {
    guard let dx = tape.gradient(node.a) else { return }
    Activation.leakyReluBackward(
      node.a!.data, slope: node.floats.0, gradOutput: gradOutput, into: dx, count: node.output.count)
  }
}

/// Backward of sigmoid from its output y: dx += g·y·(1 − y).
enum SigmoidOp: DifferentiableOp {
  static func backward(_ node: borrowing Node, gradOutput: UnsafeMutablePointer<Float>, tape: Tape) {
    guard let dx = tape.gradient(node.a) else { return }
    Activation.sigmoidBackward(output: node.output.data, gradOutput: gradOutput, into: dx, count: node.output.count)
  }
}

/// Backward of tanh from its output y: dx += g·(1 − y²).
enum TanhOp: DifferentiableOp {
  static func backward(_ node: borrowing Node, gradOutput: UnsafeMutablePointer<Float>, tape: Tape) {
    guard let dx = tape.gradient(node.a) else { return }
    Activation.tanhBackward(output: node.output.data, gradOutput: gradOutput, into: dx, count: node.output.count)
  }
}

/// Backward of softplus: dx += g·σ(x).
enum SoftplusOp: DifferentiableOp {
  static func backward(_ node: borrowing Node, gradOutput: UnsafeMutablePointer<Float>, tape: Tape) {
    guard let dx = tape.gradient(node.a) else { return }
    Activation.softplusBackward(node.a!.data, gradOutput: gradOutput, into: dx, count: node.output.count)
  }
}

/// Backward of exp from its output y: dx += g·y.
enum ExpOp: DifferentiableOp {
  static func backward(_ node: borrowing Node, gradOutput: UnsafeMutablePointer<Float>, tape: Tape) {
    guard let dx = tape.gradient(node.a) else { return }
    Activation.expBackward(output: node.output.data, gradOutput: gradOutput, into: dx, count: node.output.count)
  }
}

/// Backward of log: dx += g / x.
enum LogOp: DifferentiableOp {
  static func backward(_ node: borrowing Node, gradOutput: UnsafeMutablePointer<Float>, tape: Tape) {
    guard let dx = tape.gradient(node.a) else { return }
    Activation.logBackward(node.a!.data, gradOutput: gradOutput, into: dx, count: node.output.count)
  }
}

/// Backward of clamp: dx += g strictly inside (min, max); floats = (min, max).
enum ClampOp: DifferentiableOp {
  static func backward(_ node: borrowing Node, gradOutput: UnsafeMutablePointer<Float>, tape: Tape) {
    guard let dx = tape.gradient(node.a) else { return }
    let (lower, upper) = node.floats
    Activation.clampBackward(
      node.a!.data, lower: lower, upper: upper, gradOutput: gradOutput, into: dx, count: node.output.count)
  }
}
