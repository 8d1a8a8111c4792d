// Arithmetic with NumPy broadcasting (add, sub, mul, div) and the scalar
// affine ops (scale, addScalar, neg). Backward sums the gradient over the axes
// an operand was broadcast on; the plan is rebuilt from the shapes, not stored.
import CVRKernels

extension Tape {
  /// a + b with NumPy broadcasting (shapes right-aligned; each axis equal or 1 on one side).
  ///
  /// Shapes: a, b of rank ≤ 4; out has the broadcast shape, rank max(rank a, rank b).
  /// Typical: [N, C] + [C] (bias row), [N, C] + [N, 1] (per-row scalar), [N, C] + [].
  public func add(_ a: Tensor, _ b: Tensor) -> Tensor { broadcasting(.add, AddOp.self, a, b) }

  /// a − b with broadcasting (see `add`).
  public func sub(_ a: Tensor, _ b: Tensor) -> Tensor { broadcasting(.subtract, SubOp.self, a, b) }

  /// a · b elementwise with broadcasting (see `add`).
  public func mul(_ a: Tensor, _ b: Tensor) -> Tensor { broadcasting(.multiply, MulOp.self, a, b) }

  /// a / b elementwise with broadcasting (see `add`); b must not be 0.
  public func div(_ a: Tensor, _ b: Tensor) -> Tensor { broadcasting(.divide, DivOp.self, a, b) }

  /// y = s · x, same shape as x.
  public func scale(_ x: Tensor, by s: Float) -> Tensor {
    let out = empty(x.shape)
    Elementwise.affine(x.data, alpha: s, beta: 0, into: out.data, count: x.count)
    var node = Node(ScaleOp.self, output: out, x)
    node.floats.0 = s
    return record(node)
  }

  /// y = x + s, same shape as x.
  public func addScalar(_ x: Tensor, _ s: Float) -> Tensor {
    let out = empty(x.shape)
    Elementwise.affine(x.data, alpha: 1, beta: s, into: out.data, count: x.count)
    var node = Node(ScaleOp.self, output: out, x)
    node.floats.0 = 1
    return record(node)
  }

  /// y = −x, same shape as x.
  public func neg(_ x: Tensor) -> Tensor { scale(x, by: -1) }

  private func broadcasting(
    _ operation: BinaryOperation, _ op: any DifferentiableOp.Type, _ a: Tensor, _ b: Tensor
  ) -> Tensor {
    let plan = broadcastPlan(a.shape, b.shape)
    let out = empty(Shape(rightAligned: plan.output, rank: max(a.shape.rank, b.shape.rank)))
    Broadcast.apply(operation, a.data, b.data, into: out.data, plan: plan)
    return record(Node(op, output: out, a, b))
  }
}

/// The broadcast plan of two shapes, or a precondition failure naming them.
func broadcastPlan(_ a: Shape, _ b: Shape) -> BroadcastPlan {
  guard let plan = BroadcastPlan(a: a.rightAligned, b: b.rightAligned) else {
    preconditionFailure("broadcast: shapes \(a) and \(b) do not broadcast")
  }
  return plan
}

extension Shape {
  /// The dimensions padded on the left with 1s to four axes.
  var rightAligned: Dims4 {
    var d = Dims4()
    for i in 0..<rank { d[4 - rank + i] = self[i] }
    return d
  }

  /// The last `rank` axes of `dims`.
  init(rightAligned dims: Dims4, rank: Int) {
    switch rank {
    case 0: self.init()
    case 1: self.init(dims.d3)
    case 2: self.init(dims.d2, dims.d3)
    case 3: self.init(dims.d1, dims.d2, dims.d3)
    default: self.init(dims.d0, dims.d1, dims.d2, dims.d3)
    }
  }
}

/// Shared backward of the four broadcast ops: the plan comes from the input shapes.
private func broadcastBackward(
  _ operation: BinaryOperation, _ node: borrowing Node, _ g: UnsafeMutablePointer<Float>, _ tape: Tape
) {
  let a = node.a!, b = node.b!
  Broadcast.backward(
    operation, gradOutput: g, a.data, b.data, dA: tape.gradient(a), dB: tape.gradient(b),
    plan: broadcastPlan(a.shape, b.shape))
}

/// Backward of a + b: dA += Σ g, dB += Σ g over each one's broadcast axes.
enum AddOp: DifferentiableOp {
  static func backward(_ node: borrowing Node, gradOutput: UnsafeMutablePointer<Float>, tape: Tape) {
    broadcastBackward(.add, node, gradOutput, tape)
  }
}

/// Backward of a − b: dA += Σ g, dB −= Σ g.
enum SubOp: DifferentiableOp {
  static func backward(_ node: borrowing Node, gradOutput: UnsafeMutablePointer<Float>, tape: Tape) {
    broadcastBackward(.subtract, node, gradOutput, tape)
  }
}

/// Backward of a · b: dA += Σ g·b, dB += Σ g·a.
enum MulOp: DifferentiableOp {
  static func backward(_ node: borrowing Node, gradOutput: UnsafeMutablePointer<Float>, tape: Tape) {
    broadcastBackward(.multiply, node, gradOutput, tape)
  }
}

/// Backward of a / b: dA += Σ g/b, dB −= Σ g·a/b².
enum DivOp: DifferentiableOp {
  static func backward(_ node: borrowing Node, gradOutput: UnsafeMutablePointer<Float>, tape: Tape) {
    broadcastBackward(.divide, node, gradOutput, tape)
  }
}

/// Backward of y = s·x + c (scale, addScalar, neg): dx += s·g; floats.0 = s.
enum ScaleOp: DifferentiableOp {
  static func backward(_ node: borrowing Node, gradOutput: UnsafeMutablePointer<Float>, tape: Tape) {
    guard let dx = tape.gradient(node.a) else { return }
    let s = node.floats.0
    if s == 1 {
      Elementwise.accumulate(gradOutput, into: dx, count: node.output.count)
    } else {
      Elementwise.accumulate(gradOutput, scaledBy: s, into: dx, count: node.output.count)
    }
  }
}
