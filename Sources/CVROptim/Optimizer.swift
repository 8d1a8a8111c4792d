// What every optimizer shares: parameter groups with their own learning rate
// (or frozen), the step counter, and named state tensors for checkpoints.
import CVRAutograd

/// Parameters that share a learning-rate multiplier (or are frozen together).
///
/// Typical: Adagrad over the embedding tables at one rate, the dense towers at
/// another; or the FRN frozen while the DMN trains.
public struct ParameterGroup {
  public var name: String
  public var parameters: [Parameter]
  /// Multiplies the optimizer's (scheduled) learning rate for this group.
  public var learningRateScale: Float
  /// A frozen group is skipped by `step()` and by gradient clipping (its
  /// values, state and gradients are left untouched).
  public var isFrozen: Bool
  /// The group's L2 / decoupled weight-decay coefficient; nil uses the optimizer's.
  public var weightDecay: Float?

  public init(
    _ name: String, _ parameters: [Parameter], learningRateScale: Float = 1, isFrozen: Bool = false,
    weightDecay: Float? = nil
  ) {
    self.name = name
    self.parameters = parameters
    self.learningRateScale = learningRateScale
    self.isFrozen = isFrozen
    self.weightDecay = weightDecay
  }
}

/// One named buffer of optimizer state (a moment, an accumulator), owned by the
/// optimizer. Checkpoints write it and read it back in place.
public struct StateTensor {
  /// "<state kind>/<parameter name>", e.g. "adagrad.sum/item.table".
  public let name: String
  public let shape: Shape
  public let buffer: UnsafeMutableBufferPointer<Float>

  public init(name: String, shape: Shape, buffer: UnsafeMutableBufferPointer<Float>) {
    self.name = name
    self.shape = shape
    self.buffer = buffer
  }
}

/// A first-order optimizer over parameter groups, with a dense path and a
/// sparse-rows path (for `Parameter.GradientLayout.sparseRows` tables).
public protocol Optimizer: AnyObject {
  var groups: [ParameterGroup] { get set }
  /// Number of `step()` calls so far (Adam's bias correction and the schedules use it).
  var stepCount: Int { get set }
  /// Applies one update from the accumulated gradients. Does not zero them.
  func step()
  /// Every state tensor, in a stable order (created on first use if need be).
  func stateTensors() -> [StateTensor]
}

extension Optimizer {
  /// Zeroes the gradients of every parameter in every group.
  public func zeroGrad() {
    // By index: a debug build's generic iterator over these structs allocates per element.
    for g in 0..<groups.count {
      let parameters = groups[g].parameters
      for i in 0..<parameters.count { parameters[i].zeroGrad() }
    }
  }

  /// All parameters across groups, in order.
  public var parameters: [Parameter] { groups.flatMap(\.parameters) }
}

extension Parameter {
  /// Whether an optimizer updates this parameter at all (it is trainable, not state).
  @inlinable public var isTrainable: Bool { requiresGrad && !isState }
}
