// L2 normalisation of each row along the last axis (embedding towers, cosine
// similarity). Backward recomputes the row norms from x instead of saving them.
import CVRKernels

extension Tape {
  /// y = x / max(‖x‖₂, epsilon) along the last axis.
  ///
  /// Shapes: x [..., d] → y [..., d]. Gradient per row: (g − y·(y·g)) / ‖x‖ where
  /// ‖x‖ > epsilon, and g / epsilon where the row is (near) zero.
  public func l2Normalize(_ x: Tensor, epsilon: Float = 1e-12) -> Tensor {
    precondition(epsilon > 0, "l2Normalize: epsilon must be positive, got \(epsilon)")
    let (rows, cols) = (x.shape.rows, x.shape.last)
    let out = empty(x.shape)
    RowNormalize.l2Forward(x.data, rows: rows, cols: cols, epsilon: epsilon, into: out.data)
    var node = Node(L2NormalizeOp.self, output: out, x)
    node.ints = (rows, cols, 0, 0)
    node.floats.0 = epsilon
    return record(node)
  }
}

/// Backward of l2Normalize; ints = (rows, cols), floats.0 = epsilon.
enum L2NormalizeOp: DifferentiableOp {
  static func backward(_ node: borrowing Node, gradOutput: UnsafeMutablePointer<Float>, tape: Tape) {
    guard let dx = tape.gradient(node.a) else { return }
    let (rows, cols, _, _) = node.ints
    RowNormalize.l2Backward(
      node.a!.data, output: node.output.data, gradOutput: gradOutput, rows: rows, cols: cols,
      epsilon: node.floats.0, into: dx)
  }
}
