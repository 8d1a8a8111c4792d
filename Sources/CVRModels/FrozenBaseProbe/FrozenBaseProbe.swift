// Probes on MetaCVR's frozen base, fitted on D_r (issue 15, beyond the paper):
// what a recent-period head can get from the occasion or from F(x) alone,
// without prototypes, to compare stage 2 against.
import CVRAutograd
import CVRCore
import CVRData
import CVRKernels
import CVRLayers

/// logit = w_b·s_b + c [+ o_{occ(x)}] [+ uᵀ g(x)], s_b = f_b(F(x)) the frozen
/// base logit, g the (optionally centred) layer MetaCVR's DMN reads [ours].
///
/// - `offsets`: frozen BASE plus one learned offset per occasion, the simplest
///   use of a known promotion calendar.
/// - `linear`: a linear probe on g. With constant prototypes, SPDM with the
///   linear EPN is exactly s_b + uᵀF(x) + c with u restricted to Σ w_occ W_occ
///   (p⁺ − p⁻) (issue 15): this probe is that model with u free, the ceiling of
///   what any fixed-prototype linear stage 2 can fit.
///
/// Init w_b = 1, c = 0, o = 0, u = 0: the probe starts at BASE's prediction; all
/// four are linear in the logit, so zero is not a dead start. The base is frozen
/// and always in inference mode, as in MetaCVR.
///
/// Parameter names: base's, `probe.center` [D] (state, centred only),
/// `probe.weight` [1, 1 (+ D)], `probe.bias` [1], `probe.occasion_offset` [K].
public final class FrozenBaseProbe: CVRModel {
  public struct Config: Codable, Equatable, Sendable {
    public var base: BaseCVRModel.Config
    /// K (checked against the schema).
    public var occasions: Int
    public var offsets: Bool
    public var linear: Bool
    /// The layer the linear probe reads (F(x) or f_b's hidden layer).
    public var layer: PrototypeLayer
    /// Subtract g's mean over D_r's clicked rows (a re-parametrisation of c; it keeps u's steps well scaled).
    public var centering: Bool

    public init(base: BaseCVRModel.Config, occasions: Int, offsets: Bool, linear: Bool,
                layer: PrototypeLayer = .representation, centering: Bool = true) {
      self.base = base
      self.occasions = occasions
      self.offsets = offsets
      self.linear = linear
      self.layer = layer
      self.centering = centering
    }
  }

  public let config: Config
  public let base: BaseCVRModel
  public let center: Parameter?
  public let linear: Linear
  public let occasionOffset: Parameter?
  private let holder: ProbeStateHolder
  public let kind = "FrozenBaseProbe"
  public var displayName: String
  public let trainingSpace = Space.click

  public init(base: BaseCVRModel, config: Config, center: [Float]? = nil) throws {
    guard config.base == base.config else { throw ModelError.config("the probe's base configuration differs from the base model's") }
    guard config.offsets || config.linear else { throw ModelError.config("a probe needs offsets, linear or both") }
    guard config.occasions == base.plan.occasions.count else {
      throw ModelError.config("the probe has \(config.occasions) occasions, the schema \(base.plan.occasions.count)")
    }
    if config.layer == .outputHidden && config.base.outputWidths.isEmpty {
      throw ModelError.config("layer outputHidden needs a hidden layer in f_b")
    }
    self.config = config
    self.base = base
    base.setFrozen(true)
    let dim = config.layer == .representation ? base.representationDim : config.base.outputWidths[0]
    if config.linear && config.centering {
      let c = Parameter("probe.center", shape: Shape(dim), isState: true)
      if let center {
        guard center.count == dim else { throw ModelError.config("the centre has \(center.count) values, the layer \(dim)") }
        _ = c.value.update(fromContentsOf: center)
      }
      self.center = c
    } else {
      self.center = nil
    }
    var rng = SeededGenerator(seed: 0)
    linear = Linear(1 + (config.linear ? dim : 0), 1, name: "probe", rng: &rng)
    linear.weight.value.update(repeating: 0)
    linear.weight.value[0] = 1
    occasionOffset = config.offsets ? Parameter("probe.occasion_offset", shape: Shape(config.occasions)) : nil
    holder = ProbeStateHolder(self.center.map { [$0] } ?? [])
    displayName = config.linear ? (config.offsets ? "F-probe+offsets" : "F-probe") : "BASE+offsets"
  }

  public convenience init(configuration: JSONValue, schema: DataSchema) throws {
    let config = try configuration.decode(Config.self)
    let base = try BaseCVRModel(plan: FeaturePlan(schema: schema), config: config.base, seed: 0)
    try self.init(base: base, config: config)
  }

  public var children: [any Layer] { [base, holder, linear] }
  public var ownParameters: [Parameter] { occasionOffset.map { [$0] } ?? [] }
  public var configuration: JSONValue { (try? JSONValue(encoding: config)) ?? .null }

  public func logit(_ batch: Batch, _ tape: Tape) -> Tensor {
    let (g, sb) = tape.inference { () -> (Tensor, Tensor) in
      let (g, sb) = base.metricLayer(batch, tape, layer: config.layer)
      return (tape.stopGradient(g), tape.stopGradient(sb))
    }
    var inputs = [sb]
    if config.linear {
      inputs.append(center.map { tape.sub(g, tape.input($0.value.baseAddress!, $0.shape)) } ?? g)
    }
    var z = linear(inputs.count == 1 ? sb : tape.concat(inputs, axis: 1), tape)
    if let occasionOffset {
      let k = config.occasions
      let onehot = tape.zeros(Shape(batch.count, k))
      for i in 0..<batch.count {
        let code = Int(batch.occasions[i])
        if code >= 0 && code < k { onehot.data[i * k + code] = 1 }
      }
      z = tape.add(z, tape.matmul(onehot, tape.param(occasionOffset).reshaped(Shape(k, 1))))
    }
    return z
  }

  /// The mean weighted BCE against `batch.conversion` (Eq. 2's log loss, on D_r).
  public func loss(_ batch: Batch, _ tape: Tape) -> Tensor { binaryLoss(logits: logit(batch, tape), batch, tape) }

  public func predictCVR(_ batch: Batch, _ tape: Tape, into out: UnsafeMutablePointer<Float>) {
    writeProbabilities(logit(batch, tape), into: out)
  }
}

/// Holds the probe's state parameters in its parameter order.
private final class ProbeStateHolder: Layer {
  let ownParameters: [Parameter]
  init(_ parameters: [Parameter]) { ownParameters = parameters }
}
