// Per-parameter optimizer state (moments, accumulators): allocated once per
// parameter on first use, owned here, and exposed as named state tensors.
import CVRAutograd

/// The state buffers of one optimizer: for every parameter it has seen, one
/// buffer of the parameter's shape per state kind ("adam.m", "adam.v", ...).
///
/// Buffers are allocated the first time a parameter steps (or when
/// `stateTensors()` asks for them) and reused for the optimizer's life, so a
/// warm step allocates nothing. Lookups are one dictionary probe per parameter per step.
final class OptimizerState {
  /// The buffers of one parameter, in `kinds` order.
  final class Slot {
    /// Kept alive so its ObjectIdentifier cannot be reused by another parameter.
    let parameter: Parameter
    let buffers: [UnsafeMutableBufferPointer<Float>]

    init(_ parameter: Parameter, initialValues: [Float]) {
      self.parameter = parameter
      buffers = initialValues.map { initial in
        let buffer = UnsafeMutableBufferPointer<Float>.allocate(capacity: parameter.shape.count)
        buffer.initialize(repeating: initial)
        return buffer
      }
    }

    deinit { for buffer in buffers { buffer.deallocate() } }

    @inline(__always) subscript(_ kind: Int) -> UnsafeMutablePointer<Float> { buffers[kind].baseAddress! }
  }

  /// State kind names, the prefix of each state tensor's name.
  let kinds: [String]
  /// The value each kind's buffer starts at (Adagrad's initial accumulator).
  let initialValues: [Float]
  private var slots: [ObjectIdentifier: Slot] = [:]

  init(kinds: [String], initialValues: [Float]? = nil) {
    self.kinds = kinds
    self.initialValues = initialValues ?? [Float](repeating: 0, count: kinds.count)
    precondition(self.initialValues.count == kinds.count, "OptimizerState: one initial value per kind")
  }

  /// The state of `parameter`, allocated on first use.
  @inline(__always)
  func slot(for parameter: Parameter) -> Slot {
    let key = ObjectIdentifier(parameter)
    if let slot = slots[key] { return slot }
    let slot = Slot(parameter, initialValues: initialValues)
    slots[key] = slot
    return slot
  }

  /// Named tensors "<kind>/<parameter name>" for every trainable parameter of
  /// every group, frozen groups included, so a checkpoint's layout does not
  /// depend on which groups happen to be frozen when it is written.
  /// Order: groups, then parameters, then kinds; a parameter listed twice appears once.
  func tensors(for groups: [ParameterGroup]) -> [StateTensor] {
    var seen = Set<ObjectIdentifier>()
    var out: [StateTensor] = []
    for group in groups {
      for p in group.parameters where p.isTrainable && seen.insert(ObjectIdentifier(p)).inserted {
        let slot = slot(for: p)
        for (k, kind) in kinds.enumerated() {
          out.append(StateTensor(name: "\(kind)/\(p.name)", shape: p.shape, buffer: slot.buffers[k]))
        }
      }
    }
    return out
  }
}
