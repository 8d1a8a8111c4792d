// Softmax over the last axis with an optional key-padding mask shared by groups
// of consecutive rows (one mask row per batch item for all its heads and queries).
import CVRKernels

extension Tape {
  /// y = softmax over the last axis of `scores`, masked entries (mask 0) set to 0.
  ///
  /// Shapes: scores [..., n] seen as [rows, n]; mask nil or [..., n] seen as
  /// [groups, n] with rows = groups · r: mask row g serves score rows g·r ..< (g+1)·r
  /// (scores [B, H, Tq, Tk] with mask [B, Tk] gives r = H·Tq). The mask is a
  /// constant of 1 (keep) / 0 (masked). A fully masked row outputs zeros and
  /// passes zero gradient (PyTorch gives NaN there). Backward:
  /// dS = P ⊙ (dP − rowsum(dP ⊙ P)).
  public func maskedSoftmax(_ scores: Tensor, mask: Tensor?) -> Tensor {
    let (rows, cols) = (scores.shape.rows, scores.shape.last)
    var rowsPerMaskRow = 1
    if let mask {
      precondition(mask.shape.last == cols, "maskedSoftmax: mask \(mask.shape) does not match scores \(scores.shape)")
      let groups = mask.shape.rows
      precondition(groups > 0 ? rows % groups == 0 : rows == 0,
                   "maskedSoftmax: \(rows) score rows cannot share \(groups) mask rows evenly (\(scores.shape) vs \(mask.shape))")
      rowsPerMaskRow = groups > 0 ? max(1, rows / groups) : 1
    }
    let out = empty(scores.shape)
    Softmax.forward(scores.data, mask: mask.map { UnsafePointer($0.data) }, rows: rows, cols: cols,
                    rowsPerMaskRow: rowsPerMaskRow, into: out.data)
    var node = Node(MaskedSoftmaxOp.self, output: out, scores)
    node.ints = (rows, cols, 0, 0)
    return record(node)
  }
}

/// Backward of the masked softmax; reads P from the node's output. ints = (rows, cols).
enum MaskedSoftmaxOp: DifferentiableOp {
  static func backward(_ node: borrowing Node, gradOutput: UnsafeMutablePointer<Float>, tape: Tape) {
    guard let dx = tape.gradient(node.a) else { return }
    let (rows, cols, _, _) = node.ints
    Softmax.backward(probabilities: node.output.data, gradOutput: gradOutput, rows: rows, cols: cols,
                     accumulatingInto: dx)
  }
}
