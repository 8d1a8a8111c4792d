// NumPy broadcasting for binary arithmetic over tensors of rank ≤ 4. The two
// shapes are merged into at most four runs of axes that broadcast alike, so the
// innermost run is one contiguous loop with stride 1 or 0 on each side: the
// common patterns (same shape, bias row, per-row scalar, scalar) become single
// vectorised loops without special-case code.
import RealModule

/// Four dimensions or strides, right-aligned: `d3` is the innermost axis.
package struct Dims4: Equatable, Sendable {
  package var d0, d1, d2, d3: Int

  package init(_ d0: Int = 1, _ d1: Int = 1, _ d2: Int = 1, _ d3: Int = 1) {
    (self.d0, self.d1, self.d2, self.d3) = (d0, d1, d2, d3)
  }

  @inline(__always)
  package subscript(_ i: Int) -> Int {
    get {
      switch i {
      case 0: return d0
      case 1: return d1
      case 2: return d2
      default: return d3
      }
    }
    set {
      switch i {
      case 0: d0 = newValue
      case 1: d1 = newValue
      case 2: d2 = newValue
      default: d3 = newValue
      }
    }
  }

  package var count: Int { d0 * d1 * d2 * d3 }
}

/// The arithmetic a broadcast op performs.
package enum BinaryOperation: Sendable {
  case add, subtract, multiply, divide
}

/// How two right-aligned shapes broadcast: the output dimensions after merging
/// axes that broadcast alike, and each operand's strides in them (0 = broadcast).
package struct BroadcastPlan: Equatable, Sendable {
  /// The broadcast output shape, right-aligned (before merging).
  package private(set) var output = Dims4()
  /// The merged iteration space (same element count as `output`).
  package private(set) var dims = Dims4()
  package private(set) var aStrides = Dims4(0, 0, 0, 0)
  package private(set) var bStrides = Dims4(0, 0, 0, 0)

  /// nil when some axis differs and neither side has size 1 there.
  package init?(a: Dims4, b: Dims4) {
    for k in 0..<4 {
      if a[k] == b[k] || b[k] == 1 {
        output[k] = a[k]
      } else if a[k] == 1 {
        output[k] = b[k]
      } else {
        return nil
      }
    }
    // Runs of axes with the same (a full, b full) pattern; size-1 output axes carry no pattern.
    var runs = Dims4(), aFull = Dims4(), bFull = Dims4()
    var n = 0
    for k in 0..<4 where output[k] != 1 {
      let fa = a[k] == output[k] ? 1 : 0, fb = b[k] == output[k] ? 1 : 0
      if n > 0 && aFull[n - 1] == fa && bFull[n - 1] == fb {
        runs[n - 1] *= output[k]
      } else {
        (runs[n], aFull[n], bFull[n]) = (output[k], fa, fb)
        n += 1
      }
    }
    var strideA = 1, strideB = 1
    for r in stride(from: n - 1, through: 0, by: -1) {
      let k = 4 - n + r
      dims[k] = runs[r]
      if aFull[r] == 1 { aStrides[k] = strideA; strideA *= runs[r] }
      if bFull[r] == 1 { bStrides[k] = strideB; strideB *= runs[r] }
    }
  }
}

/// Forward and backward loops of broadcast arithmetic.
package enum Broadcast {
  /// out = a ∘ b elementwise under `plan` (out is contiguous in the output shape).
  package static func apply(
    _ op: BinaryOperation, _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>,
    into out: UnsafeMutablePointer<Float>, plan: BroadcastPlan
  ) {
    switch op {
    case .add: forward(Sum.self, a, b, out, plan)
    case .subtract: forward(Difference.self, a, b, out, plan)
    case .multiply: forward(Product.self, a, b, out, plan)
    case .divide: forward(Quotient.self, a, b, out, plan)
    }
  }

  /// dA += Σ_broadcast ∂(a∘b)/∂a · g and dB likewise, each summed over the axes
  /// on which its operand was broadcast. Either gradient may be nil (a constant).
  package static func backward(
    _ op: BinaryOperation, gradOutput g: UnsafePointer<Float>,
    _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>,
    dA: UnsafeMutablePointer<Float>?, dB: UnsafeMutablePointer<Float>?, plan: BroadcastPlan
  ) {
    if let dA {
      switch op {
      case .add, .subtract: accumulate(PassThrough.self, g, a, b, dA, plan.aStrides, plan)
      case .multiply: accumulate(TimesB.self, g, a, b, dA, plan.aStrides, plan)
      case .divide: accumulate(OverB.self, g, a, b, dA, plan.aStrides, plan)
      }
    }
    if let dB {
      switch op {
      case .add: accumulate(PassThrough.self, g, a, b, dB, plan.bStrides, plan)
      case .subtract: accumulate(Negated.self, g, a, b, dB, plan.bStrides, plan)
      case .multiply: accumulate(TimesA.self, g, a, b, dB, plan.bStrides, plan)
      case .divide: accumulate(QuotientSlope.self, g, a, b, dB, plan.bStrides, plan)
      }
    }
  }

  // MARK: - Loops

  /// The outer three merged axes walk pointers; the innermost is a stride-1/0 loop.
  private static func forward<F: ElementFunction>(
    _: F.Type, _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>,
    _ out: UnsafeMutablePointer<Float>, _ plan: BroadcastPlan
  ) {
    let d = plan.dims, sa = plan.aStrides, sb = plan.bStrides
    let n = d.d3
    var o = out
    for i0 in 0..<d.d0 {
      for i1 in 0..<d.d1 {
        for i2 in 0..<d.d2 {
          let pa = a + (i0 * sa.d0 + i1 * sa.d1 + i2 * sa.d2)
          let pb = b + (i0 * sb.d0 + i1 * sb.d1 + i2 * sb.d2)
          switch (sa.d3, sb.d3) {
          case (1, 1): for j in 0..<n { o[j] = F.value(pa[j], pb[j]) }
          case (1, _): let s = pb[0]; for j in 0..<n { o[j] = F.value(pa[j], s) }
          case (_, 1): let s = pa[0]; for j in 0..<n { o[j] = F.value(s, pb[j]) }
          default: let v = F.value(pa[0], pb[0]); for j in 0..<n { o[j] = v }
          }
          o += n
        }
      }
    }
  }

  /// dx[x index] += P(g, a, b) over every output element; x's strides are `sx`.
  private static func accumulate<P: PartialFunction>(
    _: P.Type, _ g: UnsafePointer<Float>, _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>,
    _ dx: UnsafeMutablePointer<Float>, _ sx: Dims4, _ plan: BroadcastPlan
  ) {
    let d = plan.dims, sa = plan.aStrides, sb = plan.bStrides
    let n = d.d3
    var pg = g
    for i0 in 0..<d.d0 {
      for i1 in 0..<d.d1 {
        for i2 in 0..<d.d2 {
          let pa = a + (i0 * sa.d0 + i1 * sa.d1 + i2 * sa.d2)
          let pb = b + (i0 * sb.d0 + i1 * sb.d1 + i2 * sb.d2)
          let px = dx + (i0 * sx.d0 + i1 * sx.d1 + i2 * sx.d2)
          // Literal strides let each call site inline into its own vector loop.
          switch (sa.d3, sb.d3, sx.d3) {
          case (1, 1, 1): run(P.self, n, pg, pa, 1, pb, 1, px, 1)
          case (1, 0, 1): run(P.self, n, pg, pa, 1, pb, 0, px, 1)
          case (1, 0, 0): run(P.self, n, pg, pa, 1, pb, 0, px, 0)
          case (0, 1, 1): run(P.self, n, pg, pa, 0, pb, 1, px, 1)
          case (0, 1, 0): run(P.self, n, pg, pa, 0, pb, 1, px, 0)
          default: run(P.self, n, pg, pa, sa.d3, pb, sb.d3, px, sx.d3)
          }
          pg += n
        }
      }
    }
  }

  /// One innermost run: dx[j·sx] += P(g[j], a[j·sa], b[j·sb]); a reduction when sx = 0.
  @inline(__always)
  private static func run<P: PartialFunction>(
    _: P.Type, _ n: Int, _ g: UnsafePointer<Float>, _ a: UnsafePointer<Float>, _ sa: Int,
    _ b: UnsafePointer<Float>, _ sb: Int, _ dx: UnsafeMutablePointer<Float>, _ sx: Int
  ) {
    if sx == 0 {
      // Relaxed lets the compiler keep several partial sums (vector lanes).
      var total: Float = 0
      for j in 0..<n { total = Relaxed.sum(total, P.partial(g[j], a[j &* sa], b[j &* sb])) }
      dx[0] += total
    } else {
      for j in 0..<n { dx[j] += P.partial(g[j], a[j &* sa], b[j &* sb]) }
    }
  }
}

// MARK: - Element functions (forward values and partial derivatives)

/// a∘b; the loops above specialise on it (no call per element once inlined).
protocol ElementFunction {
  static func value(_ x: Float, _ y: Float) -> Float
}

private enum Sum: ElementFunction {
  @inline(__always) static func value(_ a: Float, _ b: Float) -> Float { a + b }
}
private enum Difference: ElementFunction {
  @inline(__always) static func value(_ a: Float, _ b: Float) -> Float { a - b }
}
private enum Product: ElementFunction {
  @inline(__always) static func value(_ a: Float, _ b: Float) -> Float { a * b }
}
private enum Quotient: ElementFunction {
  @inline(__always) static func value(_ a: Float, _ b: Float) -> Float { a / b }
}

/// ∂(a∘b)/∂a or ∂(a∘b)/∂b times the output gradient g.
protocol PartialFunction {
  static func partial(_ g: Float, _ a: Float, _ b: Float) -> Float
}

/// ∂/∂a of a+b and a−b, ∂/∂b of a+b.
private enum PassThrough: PartialFunction {
  @inline(__always) static func partial(_ g: Float, _ a: Float, _ b: Float) -> Float { g }
}
/// ∂/∂b of a−b.
private enum Negated: PartialFunction {
  @inline(__always) static func partial(_ g: Float, _ a: Float, _ b: Float) -> Float { -g }
}
/// ∂/∂a of a·b.
private enum TimesB: PartialFunction {
  @inline(__always) static func partial(_ g: Float, _ a: Float, _ b: Float) -> Float { g * b }
}
/// ∂/∂b of a·b.
private enum TimesA: PartialFunction {
  @inline(__always) static func partial(_ g: Float, _ a: Float, _ b: Float) -> Float { g * a }
}
/// ∂/∂a of a/b.
private enum OverB: PartialFunction {
  @inline(__always) static func partial(_ g: Float, _ a: Float, _ b: Float) -> Float { g / b }
}
/// ∂/∂b of a/b = −a/b².
private enum QuotientSlope: PartialFunction {
  @inline(__always) static func partial(_ g: Float, _ a: Float, _ b: Float) -> Float { -g * a / (b * b) }
}
