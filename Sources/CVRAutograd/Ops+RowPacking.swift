// packRows / unpackRows: the kept rows of a padded block as a dense block and
// back, so a projection runs over behaviours only, not over padding.
import CVRKernels

extension Tape {
  /// packed[j] = x[r_j], r_0 < r_1 < … the rows with mask[r] ≠ 0.
  ///
  /// Shapes: x [rows, width], mask [rows] (a constant, e.g. a sequence's key mask
  /// flattened) → [kept, width]. Backward: dx[r_j] += dpacked[j].
  public func packRows(_ x: Tensor, mask: Tensor) -> Tensor {
    precondition(x.shape.rank == 2 && mask.count == x.shape[0],
                 "packRows: need x [rows, width] and mask [rows], got \(x.shape), \(mask.shape)")
    let (rows, width) = (x.shape[0], x.shape[1])
    let kept = RowPacking.keptCount(mask: mask.data, rows: rows)
    let out = empty(Shape(kept, width))
    RowPacking.gather(x.data, mask: mask.data, rows: rows, width: width, into: out.data, accumulate: false)
    var node = Node(PackRowsOp.self, output: out, x)
    node.saved2 = mask.data
    node.ints = (rows, width, kept, 0)
    return record(node)
  }

  /// out[r_j] = packed[j] for the rows with mask[r] ≠ 0, and 0 in the other rows.
  ///
  /// Shapes: packed [kept, width], mask [rows] with `kept` nonzero entries →
  /// [rows, width]. Backward: dpacked[j] += dout[r_j].
  public func unpackRows(_ packed: Tensor, mask: Tensor) -> Tensor {
    let rows = mask.count
    precondition(packed.shape.rank == 2 && packed.shape[0] == RowPacking.keptCount(mask: mask.data, rows: rows),
                 "unpackRows: packed \(packed.shape) does not have one row per kept entry of the mask")
    let width = packed.shape[1]
    let out = empty(Shape(rows, width))
    RowPacking.scatter(packed.data, mask: mask.data, rows: rows, width: width, into: out.data, accumulate: false)
    var node = Node(UnpackRowsOp.self, output: out, packed)
    node.saved2 = mask.data
    node.ints = (rows, width, packed.shape[0], 0)
    return record(node)
  }
}

/// Backward of packRows; saved2 = mask, ints = (rows, width, kept, _).
enum PackRowsOp: DifferentiableOp {
  static func backward(_ node: borrowing Node, gradOutput: UnsafeMutablePointer<Float>, tape: Tape) {
    guard let dx = tape.gradient(node.a) else { return }
    RowPacking.scatter(gradOutput, mask: node.saved2!, rows: node.ints.0, width: node.ints.1, into: dx, accumulate: true)
  }
}

/// Backward of unpackRows; saved2 = mask, ints = (rows, width, kept, _).
enum UnpackRowsOp: DifferentiableOp {
  static func backward(_ node: borrowing Node, gradOutput: UnsafeMutablePointer<Float>, tape: Tape) {
    guard let dp = tape.gradient(node.a) else { return }
    RowPacking.gather(gradOutput, mask: node.saved2!, rows: node.ints.0, width: node.ints.1, into: dp, accumulate: true)
  }
}
