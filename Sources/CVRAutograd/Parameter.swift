// A parameter owns its value and gradient memory for its whole life, so the
// optimizer and BLAS see stable addresses.
import CVRKernels

/// A named, trainable (or frozen) tensor with its gradient.
///
/// The gradient accumulates over every backward pass until `zeroGrad()`, which
/// is what gradient accumulation over micro-batches needs. A parameter with
/// `requiresGrad == false` enters the tape as a constant: no gradient work at all.
///
/// Embedding tables use `GradientLayout.sparseRows`: their gradient is a
/// `SparseRowGradient` of the touched rows and no dense gradient is ever made;
/// they are read through lookup ops, not `Tape.param`.
public final class Parameter {
  /// How the gradient is stored.
  public enum GradientLayout: Sendable {
    /// A dense buffer of the parameter's shape.
    case dense
    /// Only the touched rows of a [rows, width] table (`sparseGrad`).
    case sparseRows
  }

  public let name: String
  public let shape: Shape
  /// The values, owned by the parameter.
  public let value: UnsafeMutableBufferPointer<Float>
  private var gradStorage: UnsafeMutableBufferPointer<Float>?
  /// False for frozen parameters and for state such as running statistics.
  public var requiresGrad: Bool
  /// True for non-trainable state saved with the model (batch-norm running statistics).
  public let isState: Bool
  public let gradientLayout: GradientLayout
  /// The touched-row gradient of a `.sparseRows` parameter (nil for dense ones).
  public let sparseGrad: SparseRowGradient?

  public init(
    _ name: String, shape: Shape, requiresGrad: Bool = true, isState: Bool = false,
    gradientLayout: GradientLayout = .dense
  ) {
    precondition(gradientLayout == .dense || shape.rank == 2, "Parameter \(name): sparse rows need a [rows, width] shape, got \(shape)")
    self.name = name
    self.shape = shape
    self.requiresGrad = requiresGrad && !isState
    self.isState = isState
    self.gradientLayout = gradientLayout
    sparseGrad = gradientLayout == .sparseRows ? SparseRowGradient(rows: shape[0], width: shape[1]) : nil
    value = .allocate(capacity: shape.count)
    value.initialize(repeating: 0)
  }

  /// A parameter holding `values` (count must match `shape`).
  public convenience init(_ name: String, shape: Shape, values: [Float], requiresGrad: Bool = true) {
    precondition(values.count == shape.count, "Parameter \(name): \(values.count) values for shape \(shape)")
    self.init(name, shape: shape, requiresGrad: requiresGrad)
    _ = value.update(fromContentsOf: values)
  }

  deinit {
    value.deallocate()
    gradStorage?.deallocate()
  }

  /// The dense gradient buffer, allocated (zeroed) on first use. Dense parameters only.
  public var grad: UnsafeMutableBufferPointer<Float> {
    precondition(gradientLayout == .dense, "Parameter \(name): a sparse-row parameter has no dense gradient; use sparseGrad")
    if let g = gradStorage { return g }
    let g = UnsafeMutableBufferPointer<Float>.allocate(capacity: shape.count)
    g.initialize(repeating: 0)
    gradStorage = g
    return g
  }

  /// Whether any gradient memory exists yet (a dense buffer, or touched sparse rows).
  public var hasGrad: Bool { gradStorage != nil || (sparseGrad?.count ?? 0) > 0 }

  public func zeroGrad() {
    if let g = gradStorage { g.update(repeating: 0) }
    sparseGrad?.zero()
  }

  /// Fills the value from a generator, e.g. `fill { rng.nextNormal() * 0.02 }`.
  public func fill(_ next: () -> Float) {
    for i in 0..<value.count { value[i] = next() }
  }

  public func values() -> [Float] { Array(value) }
}
