// The gradient-reversal layer of domain-adversarial training (Ganin & Lempitsky,
// ICML 2015, §3.2): identity forward, the gradient negated and scaled backward, so
// what lies before it learns to defeat the discriminator that lies after it.
import CVRKernels

extension Tape {
  /// R_λ(x) = x forward; dR/dx = −λ·I backward (Ganin & Lempitsky 2015, Eq. 12–13).
  ///
  /// Shapes: out has x's shape. λ ≥ 0 is the reversal strength (1 = plain reversal;
  /// 0 cuts the gradient as `stopGradient` does). Not the derivative of any function
  /// of x: a finite-difference check sees the identity, the tape sees −λ.
  public func reverseGradient(_ x: Tensor, scale lambda: Float = 1) -> Tensor {
    let out = empty(x.shape)
    out.data.update(from: x.data, count: x.count)
    var node = Node(GradientReversalOp.self, output: out, x)
    node.floats.0 = lambda
    return record(node)
  }
}

/// Backward of reverseGradient: dx += −λ g; floats.0 = λ.
enum GradientReversalOp: DifferentiableOp {
  static func backward(_ node: borrowing Node, gradOutput: UnsafeMutablePointer<Float>, tape: Tape) {
    guard let dx = tape.gradient(node.a) else { return }
    Elementwise.accumulate(gradOutput, scaledBy: -node.floats.0, into: dx, count: node.output.count)
  }
}
