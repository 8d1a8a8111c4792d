// Global-norm gradient clipping over dense gradients and sparse-row tables
// together, as torch.nn.utils.clip_grad_norm_ does over a parameter list.
import CVRAutograd

/// Scales every gradient of `parameters` by min(1, maxNorm / (‖g‖ + 1e-6)),
/// where ‖g‖ is the 2-norm of all their gradients concatenated (dense buffers
/// and the touched rows of sparse tables, whose untouched rows are zero).
///
/// Returns the norm before clipping. Parameters that are not trainable or have
/// no gradient are ignored. A non-finite norm leaves the gradients untouched
/// (the caller sees it in the return value and can skip the step).
@discardableResult
public func clipGradientNorm(_ parameters: [Parameter], maxNorm: Float) -> Float {
  GradientNorm.clip(maxNorm: maxNorm) { visit in for p in parameters { visit(p) } }
}

extension Optimizer {
  /// Global-norm clipping over the parameters this optimizer steps (unfrozen
  /// groups, trainable parameters); see `clipGradientNorm(_:maxNorm:)`.
  /// Returns the norm before clipping. Allocates nothing.
  @discardableResult
  public func clipGradientNorm(maxNorm: Float) -> Float {
    GradientNorm.clip(maxNorm: maxNorm) { visit in
      for group in groups where !group.isFrozen { for p in group.parameters { visit(p) } }
    }
  }
}

/// The clipping and its raw loops.
enum GradientNorm {
  /// Clips the gradients of the parameters `forEach` visits (twice: once to
  /// measure, once to scale); returns the norm before clipping.
  static func clip(maxNorm: Float, _ forEach: ((Parameter) -> Void) -> Void) -> Float {
    precondition(maxNorm > 0, "clipGradientNorm: maxNorm must be positive, got \(maxNorm)")
    var squared: Double = 0
    forEach { p in
      guard p.isTrainable && p.hasGrad else { return }
      switch p.gradientLayout {
      case .dense: squared += squaredNorm(p.grad.baseAddress!, count: p.shape.count)
      case .sparseRows: squared += p.sparseGrad!.squaredNorm()
      }
    }
    let norm = squared.squareRoot()
    let factor = Double(maxNorm) / (norm + 1e-6)
    guard norm.isFinite, factor < 1 else { return Float(norm) }
    forEach { p in
      guard p.isTrainable && p.hasGrad else { return }
      switch p.gradientLayout {
      case .dense: scale(p.grad.baseAddress!, count: p.shape.count, by: Float(factor))
      case .sparseRows: p.sparseGrad!.scale(by: Float(factor))
      }
    }
    return Float(norm)
  }

  /// Σ x² over `count` floats in Double, with four accumulators so the loop pipelines.
  static func squaredNorm(_ x: UnsafePointer<Float>, count: Int) -> Double {
    var (a, b, c, d): (Double, Double, Double, Double) = (0, 0, 0, 0)
    var i = 0
    while i + 4 <= count {
      let (x0, x1, x2, x3) = (Double(x[i]), Double(x[i + 1]), Double(x[i + 2]), Double(x[i + 3]))
      a += x0 * x0
      b += x1 * x1
      c += x2 * x2
      d += x3 * x3
      i += 4
    }
    while i < count {
      a += Double(x[i]) * Double(x[i])
      i += 1
    }
    return (a + b) + (c + d)
  }

  /// x ← s · x over `count` floats.
  static func scale(_ x: UnsafeMutablePointer<Float>, count: Int, by s: Float) {
    for i in 0..<count { x[i] *= s }
  }
}
