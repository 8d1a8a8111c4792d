// Inverted dropout with masks drawn from the tape's generator, so a tape seed
// fixes every mask of a step.
import CVRKernels

extension Tape {
  /// y = x ⊙ m / (1 − rate), m[i] ~ Bernoulli(1 − rate) from `rng`; y = x (the
  /// same tensor, no node, no draws) when not training or rate is 0.
  ///
  /// Shapes: x and y any shape. The mask is kept (arena) only when x is tracked.
  public func dropout(_ x: Tensor, rate: Float, training: Bool) -> Tensor {
    precondition(rate >= 0 && rate < 1, "dropout: rate must be in [0, 1), got \(rate)")
    guard training && rate > 0 else { return x }
    let out = empty(x.shape)
    let mask = isTracking(x) ? arena.allocate(x.count) : nil
    Dropout.forward(x.data, count: x.count, rate: rate, rng: &rng, into: out.data, mask: mask)
    var node = Node(DropoutOp.self, output: out, x)
    node.saved = mask
    return record(node)
  }
}

/// Backward of dropout: dx += dy ⊙ mask; saved = the scaled mask.
enum DropoutOp: DifferentiableOp {
  static func backward(_ node: borrowing Node, gradOutput: UnsafeMutablePointer<Float>, tape: Tape) {
    guard let dx = tape.gradient(node.a), let mask = node.saved else { return }
    Dropout.backward(gradOutput: gradOutput, mask: mask, count: node.output.count, accumulatingInto: dx)
  }
}
