// Shape ops that move data: concat and split along the feature axis, slice
// along any axis, and the transpose of the last two axes. (Reshape is free:
// `Tensor.reshaped` shares the node; `stopGradient` is `Tensor.detached`.)
import CVRKernels

extension Tape {
  /// Joins tensors along the last (feature) axis, or along the first axis of rank-2 tensors.
  ///
  /// Shapes: every input [..., c_i] with the same leading axes; out [..., Σ c_i].
  /// Axis 0 of [n_i, d] inputs stacks their rows: out [Σ n_i, d] (row-major data
  /// laid end to end, the same op on [1, n_i·d] views). No other axis is supported.
  public func concat(_ tensors: [Tensor], axis: Int = -1) -> Tensor {
    tensors.withUnsafeBufferPointer { concat(parts: $0, axis: axis) }
  }

  /// `concat` of two or three tensors without an Array (a literal `[a, b]` allocates).
  public func concat(_ a: Tensor, _ b: Tensor, _ c: Tensor? = nil, axis: Int = -1) -> Tensor {
    let mark = stageMark
    stage(a)
    stage(b)
    if let c { stage(c) }
    return concatStaged(from: mark, axis: axis)
  }

  /// `concat` of the tensors staged since `mark` (`stage`), which it pops: a layer
  /// gathers its parts on the tape's staging stack instead of in a new Array.
  public func concatStaged(from mark: Int, axis: Int = -1) -> Tensor {
    // One part is returned as it is (no copy), as `[t]` joined would be `t`.
    withStaged(from: mark) { $0.count == 1 ? $0[0] : concat(parts: $0, axis: axis) }
  }

  /// `concat` over a buffer of tensors; loops by index (see `storeInputs(_:)`).
  public func concat(parts tensors: UnsafeBufferPointer<Tensor>, axis: Int = -1) -> Tensor {
    precondition(!tensors.isEmpty, "concat: no tensors")
    let first = tensors[0].shape
    if axis == 0 && first.rank == 2 {
      let d = first[1]
      var rows = 0
      let mark = stageMark
      for i in 0..<tensors.count {
        let t = tensors[i]
        precondition(t.shape.rank == 2 && t.shape[1] == d, "concat: \(t.shape) does not match \(first) outside axis 0")
        rows += t.shape[0]
        stage(t.reshaped(Shape(1, t.count)))
      }
      return concatStaged(from: mark, axis: -1).reshaped(Shape(rows, d))
    }
    precondition(first.rank >= 1 && (axis == -1 || axis == first.rank - 1),
                 "concat: only the last axis is supported, got axis \(axis) for \(first)")
    var width = 0
    var tracked = false
    for i in 0..<tensors.count {
      let t = tensors[i]
      precondition(t.shape.rank == first.rank && t.shape.replacing(-1, with: first.last) == first,
                   "concat: \(t.shape) does not match \(first) outside the last axis")
      width += t.shape.last
      tracked = tracked || t.requiresGrad
    }
    let rows = first.rows
    let out = empty(first.replacing(-1, with: width))
    var offset = 0
    for i in 0..<tensors.count {
      let t = tensors[i]
      let w = t.shape.last
      Elementwise.copyBlocks(t.data, srcStride: w, into: out.data + offset, dstStride: width, rows: rows, width: w)
      offset += w
    }
    guard isRecording && tracked else { return out }
    var node = Node(ConcatOp.self, output: out)
    node.extra = storeInputs(tensors)
    node.ints = (rows, width, 0, 0)
    return record(node)
  }

  /// Splits the last axis into consecutive pieces of the given widths (one node each).
  ///
  /// Shapes: x [..., Σ sizes] → [[..., sizes[0]], [..., sizes[1]], ...].
  public func split(_ x: Tensor, sizes: [Int]) -> [Tensor] {
    var total = 0
    for s in sizes { total += s }
    precondition(total == x.shape.last, "split: sizes \(sizes) do not add up to the last axis of \(x.shape)")
    var pieces: [Tensor] = []
    pieces.reserveCapacity(sizes.count)
    var start = 0
    for s in sizes {
      pieces.append(slice(x, axis: -1, start: start, length: s))
      start += s
    }
    return pieces
  }

  /// The elements start..<start+length along `axis` (negative counts from the end), copied.
  ///
  /// Shapes: x [..., d, ...] → out [..., length, ...].
  public func slice(_ x: Tensor, axis: Int, start: Int, length: Int) -> Tensor {
    let (outer, dim, inner) = x.shape.split(at: axis)
    precondition(start >= 0 && length >= 0 && start + length <= dim,
                 "slice: \(start)..<\(start + length) is outside axis \(axis) of \(x.shape)")
    let out = empty(x.shape.replacing(axis, with: length))
    Elementwise.copyBlocks(
      x.data + start * inner, srcStride: dim * inner, into: out.data, dstStride: length * inner,
      rows: outer, width: length * inner)
    var node = Node(SliceOp.self, output: out, x)
    node.ints = (axis, start, length, 0)
    return record(node)
  }

  /// Swaps the last two axes (a copy, not a view).
  ///
  /// Shapes: x [..., m, n] → out [..., n, m]; rank ≥ 2.
  public func swapLastAxes(_ x: Tensor) -> Tensor {
    let r = x.shape.rank
    precondition(r >= 2, "swapLastAxes: need rank ≥ 2, got \(x.shape)")
    let (rows, cols) = (x.shape[r - 2], x.shape[r - 1])
    let out = empty(x.shape.replacing(r - 2, with: cols).replacing(r - 1, with: rows))
    let batch = rows * cols == 0 ? 0 : x.count / (rows * cols)
    Elementwise.transposeLastAxes(x.data, into: out.data, batch: batch, rows: rows, cols: cols)
    var node = Node(SwapLastAxesOp.self, output: out, x)
    node.ints = (batch, rows, cols, 0)
    return record(node)
  }

  /// The same values as a constant: no gradient flows back through the result.
  public func stopGradient(_ x: Tensor) -> Tensor { x.detached }
}

/// Backward of concat: each input gets its column block of g; ints = (rows, total width).
enum ConcatOp: DifferentiableOp {
  static func backward(_ node: borrowing Node, gradOutput: UnsafeMutablePointer<Float>, tape: Tape) {
    let (rows, width, _, _) = node.ints
    var offset = 0
    for i in node.extra {
      let t = tape.extraInputs[i]
      let w = t.shape.last
      if let dx = tape.gradient(t) {
        Elementwise.accumulateBlocks(gradOutput + offset, srcStride: width, into: dx, dstStride: w, rows: rows, width: w)
      }
      offset += w
    }
  }
}

/// Backward of slice: g is added into its window of dx; ints = (axis, start, length).
enum SliceOp: DifferentiableOp {
  static func backward(_ node: borrowing Node, gradOutput: UnsafeMutablePointer<Float>, tape: Tape) {
    guard let dx = tape.gradient(node.a) else { return }
    let (axis, start, length, _) = node.ints
    let (outer, dim, inner) = node.a!.shape.split(at: axis)
    Elementwise.accumulateBlocks(
      gradOutput, srcStride: length * inner, into: dx + start * inner, dstStride: dim * inner,
      rows: outer, width: length * inner)
  }
}

/// Backward of swapLastAxes: dx += gᵀ per matrix; ints = (batch, rows, cols) of x.
enum SwapLastAxesOp: DifferentiableOp {
  static func backward(_ node: borrowing Node, gradOutput: UnsafeMutablePointer<Float>, tape: Tape) {
    guard let dx = tape.gradient(node.a) else { return }
    let (batch, rows, cols, _) = node.ints
    Elementwise.accumulateTransposed(gradOutput, into: dx, batch: batch, rows: rows, cols: cols)
  }
}
