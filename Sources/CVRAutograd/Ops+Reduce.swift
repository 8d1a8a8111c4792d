// Sums and means, over all elements (a scalar) or over one axis (that axis
// removed). Accumulation is in Double; backward broadcasts g back.
import CVRKernels

extension Tape {
  /// Σ x over every element. Shapes: x any → out [] (a scalar).
  public func sum(_ x: Tensor) -> Tensor { total(x, scale: 1) }

  /// Σ x / count over every element. Shapes: x any → out [] (a scalar).
  public func mean(_ x: Tensor) -> Tensor {
    precondition(x.count > 0, "mean: empty tensor \(x.shape)")
    return total(x, scale: 1 / Float(x.count))
  }

  /// Σ over `axis` (negative counts from the end), which is removed.
  ///
  /// Shapes: x [..., d, ...] → out [..., ...] (rank one less).
  public func sum(_ x: Tensor, axis: Int) -> Tensor { axisTotal(x, axis: axis, mean: false) }

  /// Mean over `axis` (negative counts from the end), which is removed.
  ///
  /// Shapes: x [..., d, ...] → out [..., ...] (rank one less); d > 0.
  public func mean(_ x: Tensor, axis: Int) -> Tensor { axisTotal(x, axis: axis, mean: true) }

  private func total(_ x: Tensor, scale: Float) -> Tensor {
    let out = empty(Shape())
    out.data[0] = Float(Reduce.sum(x.data, count: x.count) * Double(scale))
    var node = Node(SumAllOp.self, output: out, x)
    node.floats.0 = scale
    return record(node)
  }

  private func axisTotal(_ x: Tensor, axis: Int, mean: Bool) -> Tensor {
    let (outer, dim, inner) = x.shape.split(at: axis)
    precondition(!mean || dim > 0, "mean: axis \(axis) of \(x.shape) is empty")
    let alpha: Float = mean ? 1 / Float(dim) : 1
    let out = empty(x.shape.removing(axis))
    Reduce.sumAxis(x.data, outer: outer, dim: dim, inner: inner, alpha: alpha, into: out.data)
    var node = Node(SumAxisOp.self, output: out, x)
    node.ints = (outer, dim, inner, 0)
    node.floats.0 = alpha
    return record(node)
  }
}

extension Shape {
  /// This shape without `axis` (negative counts from the end).
  func removing(_ axis: Int) -> Shape {
    let a = axis < 0 ? rank + axis : axis
    precondition(a >= 0 && a < rank, "Shape: axis \(axis) out of range for \(self)")
    var d = Dims4()
    var k = 0
    for i in 0..<rank where i != a {
      d[k] = self[i]
      k += 1
    }
    switch rank - 1 {
    case 0: return Shape()
    case 1: return Shape(d.d0)
    case 2: return Shape(d.d0, d.d1)
    default: return Shape(d.d0, d.d1, d.d2)
    }
  }
}

/// Backward of sum/mean over all elements: dx += scale·g; floats.0 = scale (1 or 1/count).
enum SumAllOp: DifferentiableOp {
  static func backward(_ node: borrowing Node, gradOutput: UnsafeMutablePointer<Float>, tape: Tape) {
    guard let dx = tape.gradient(node.a) else { return }
    Elementwise.accumulate(node.floats.0 * gradOutput[0], into: dx, count: node.a!.count)
  }
}

/// Backward of sum/mean over one axis: dx[o, d, i] += alpha·g[o, i];
/// ints = (outer, dim, inner), floats.0 = alpha (1 or 1/dim).
enum SumAxisOp: DifferentiableOp {
  static func backward(_ node: borrowing Node, gradOutput: UnsafeMutablePointer<Float>, tape: Tape) {
    guard let dx = tape.gradient(node.a) else { return }
    let (outer, dim, inner, _) = node.ints
    Reduce.broadcastAxis(gradOutput, outer: outer, dim: dim, inner: inner, alpha: node.floats.0, into: dx)
  }
}
