// ESM², entire-space multi-task modelling with the post-click behaviour
// decomposed into a deterministic action (cart) and the rest (Wen et al., SIGIR 2020).
import CVRAutograd
import CVRCore
import CVRData
import CVRKernels
import CVRLayers

/// ESM² (Wen et al., "Entire Space Multi-Task Modeling via Post-Click Behavior
/// Decomposition for Conversion Rate Prediction", SIGIR 2020), on MetaCVR's features.
///
/// The path impression → click → D-Action (cart) / O-Action → purchase (ESM² §3.1)
/// gives four towers, each σ of its logit:
/// - y1 = p(click | impression), y2 = p(action | click),
///   y3 = p(buy | action), y4 = p(buy | click, no action);
/// - pCVR = y2·y3 + (1 − y2)·y4, pCTAVR = y1·y2, pCTCVR = y1·pCVR (ESM² §3.2–3.3).
/// - Loss over all exposures (ESM² §3.4): L = w_ctr ℓ(y1, click) + w_ctavr ℓ(y1·y2,
///   click·action) + w_ctcvr ℓ(y1·pCVR, click·conversion), ℓ the mean binary cross-entropy;
///   the weights default to 1 (an equal sum; options below). Section numbers
///   follow the paper's layout; its PDF was not at hand to confirm equation numbers.
///   Products and the mixture are taken in log space (`LogProbability`), so nothing is clamped.
/// - Towers: one shared embedding/attention trunk, each task with BASE's
///   MainNet/BiasNet/Norm and 3-layer output MLP (`TaskTower`).
/// - `predictCVR` returns pCVR.
///
/// Reads: every feature block, the sequence, `click`, `action` (the schema's
/// column with role action, e.g. DDF's `cart`), `conversion`, `weight`.
public final class ESM2Model: CVRModel {
  public struct Config: Codable, Equatable, Sendable, TowerModelConfig {
    /// Shared embedding/attention and each tower's MainNet/BiasNet (MetaCVR §3.1.3: BASE's features).
    public var frn = FRNConfig.paper
    /// Hidden widths of each tower's output MLP (f_b; M1: 128, 64).
    public var outputWidths = [128, 64]
    /// w_ctr, w_ctavr, w_ctcvr of ESM²'s weighted loss (§3.4).
    public var ctrWeight: Float = 1
    public var ctavrWeight: Float = 1
    public var ctcvrWeight: Float = 1

    public init() {}
  }

  /// The four towers' logits, each [n].
  public struct Logits {
    /// y1: click | impression.
    public var ctr: Tensor
    /// y2: action | click.
    public var action: Tensor
    /// y3: buy | action.
    public var buyAfterAction: Tensor
    /// y4: buy | click, no action.
    public var buyWithoutAction: Tensor
  }

  public let kind = "ESM2"
  public var displayName = "ESM2"
  public let config: Config
  public let configuration: JSONValue
  public let trunk: EntireSpaceTrunk
  public let ctr: TaskTower
  public let action: TaskTower
  public let buyAfterAction: TaskTower
  public let buyWithoutAction: TaskTower
  public var trainingSpace: Space { .exposure }

  public init(plan: FeaturePlan, config: Config, seed: UInt64) throws {
    try checkWidths(config.outputWidths, "outputWidths")
    guard [config.ctrWeight, config.ctavrWeight, config.ctcvrWeight].allSatisfy({ $0 >= 0 }) else {
      throw ModelError.config("ESM2 loss weights must be ≥ 0")
    }
    var rng = SeededGenerator(seed: seed)
    self.config = config
    configuration = try JSONValue(encoding: config)
    let trunk = try EntireSpaceTrunk(plan: plan, config: config.frn, rng: &rng)
    self.trunk = trunk
    ctr = TaskTower(name: "ctr", frn: config.frn, hiddenWidths: config.outputWidths, trunk: trunk, rng: &rng)
    action = TaskTower(name: "action", frn: config.frn, hiddenWidths: config.outputWidths, trunk: trunk, rng: &rng)
    buyAfterAction = TaskTower(name: "buy_action", frn: config.frn, hiddenWidths: config.outputWidths, trunk: trunk,
                               rng: &rng)
    buyWithoutAction = TaskTower(name: "buy_other", frn: config.frn, hiddenWidths: config.outputWidths, trunk: trunk,
                                 rng: &rng)
  }

  /// Rebuilds the architecture stored in a checkpoint's `configuration` for `schema`.
  public convenience init(configuration: JSONValue, schema: DataSchema) throws {
    try self.init(plan: FeaturePlan(schema: schema), config: configuration.decode(Config.self), seed: 0)
  }

  private var towers: [TaskTower] { [ctr, action, buyAfterAction, buyWithoutAction] }

  public var children: [any Layer] { [trunk] + towers }

  public func logits(_ batch: Batch, _ tape: Tape) -> Logits {
    let n = batch.count
    let (main, bias) = trunk(batch, tape)
    func z(_ tower: TaskTower) -> Tensor { tower(main: main, bias: bias, tape).reshaped(Shape(n)) }
    return Logits(ctr: z(ctr), action: z(action), buyAfterAction: z(buyAfterAction),
                  buyWithoutAction: z(buyWithoutAction))
  }

  /// pCVR = y2·y3 + (1 − y2)·y4 as log-probabilities.
  public static func conversion(_ z: Logits, _ tape: Tape) -> LogProbability {
    LogProbability.mixture(gate: .sigmoid(z.action, tape), .sigmoid(z.buyAfterAction, tape),
                           .sigmoid(z.buyWithoutAction, tape), tape)
  }

  /// w_ctr ℓ(y1, click) + w_ctavr ℓ(y1·y2, click·action) + w_ctcvr ℓ(y1·pCVR, click·conversion).
  public func loss(_ batch: Batch, _ tape: Tape) -> Tensor {
    let n = batch.count
    let z = logits(batch, tape)
    let y1 = LogProbability.sigmoid(z.ctr, tape)
    let ctavr = y1.times(.sigmoid(z.action, tape), tape)
    let ctcvr = y1.times(Self.conversion(z, tape), tape)
    let click = labelTensor(batch.click, count: n, tape)
    let clickAction = tape.empty(Shape(n)), clickBuy = tape.empty(Shape(n))
    for b in 0..<n {
      clickAction.data[b] = batch.click[b] * batch.action[b]
      clickBuy.data[b] = batch.click[b] * batch.conversion[b]
    }
    let weights = labelTensor(batch.weight, count: n, tape)
    let terms = [
      tape.scale(y1.crossEntropy(labels: click, weights: weights, tape), by: config.ctrWeight),
      tape.scale(ctavr.crossEntropy(labels: clickAction, weights: weights, tape), by: config.ctavrWeight),
      tape.scale(ctcvr.crossEntropy(labels: clickBuy, weights: weights, tape), by: config.ctcvrWeight),
    ]
    return tape.add(tape.add(terms[0], terms[1]), terms[2])
  }

  public var heads: [PredictionHead] { [.ctr, .cvr, .ctcvr] }

  /// pCTR = y1, pCVR = y2·y3 + (1 − y2)·y4, pCTCVR = pCTR · pCVR (Wen et al. 2020; the decomposition above).
  public func predict(_ batch: Batch, _ tape: Tape, into outputs: PredictionOutputs) {
    let z = logits(batch, tape)
    outputs.writeEntireSpace(count: batch.count, ctrLogits: z.ctr) { b in
      let g = FastMath.sigmoid(z.action.data[b])
      return g * FastMath.sigmoid(z.buyAfterAction.data[b]) + (1 - g) * FastMath.sigmoid(z.buyWithoutAction.data[b])
    }
  }

  /// pCVR = y2·y3 + (1 − y2)·y4 (the CTR tower is not evaluated).
  public func predictCVR(_ batch: Batch, _ tape: Tape, into out: UnsafeMutablePointer<Float>) {
    let n = batch.count
    let (main, bias) = trunk(batch, tape)
    let y2 = action(main: main, bias: bias, tape), y3 = buyAfterAction(main: main, bias: bias, tape)
    let y4 = buyWithoutAction(main: main, bias: bias, tape)
    for b in 0..<n {
      let g = FastMath.sigmoid(y2.data[b])
      out[b] = g * FastMath.sigmoid(y3.data[b]) + (1 - g) * FastMath.sigmoid(y4.data[b])
    }
  }
}
