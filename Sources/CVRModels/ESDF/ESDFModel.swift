// ESDF, entire-space CVR with delayed feedback (Wang et al., arXiv 2011.11826):
// ESMM's CTR and CVR towers plus a delay tower, trained on censored conversions.
import CVRAutograd
import CVRCore
import CVRData
import CVRKernels
import CVRLayers

/// ESDF (Wang, Zhang, Da, Zeng, "Delayed Feedback Modeling for the Entire Space
/// Conversion Rate Prediction", arXiv 2011.11826, 2020), on MetaCVR's features.
///
/// pCTR = σ(z_ctr), pCVR = σ(z_cvr) (the eventual conversion), and a delay
/// model (`DelayDistribution`: ESDF's day-slot survival model by default, or
/// DFM's exponential). The log-likelihood of one exposure:
/// - unclicked: log(1 − pCTR);
/// - clicked, converted after d: log pCTR + log pCVR + log f(d);
/// - clicked, not converted after waiting e (censored): log pCTR + log(1 − pCVR + pCVR·S(e)),
///   computed as logaddexp(log(1 − pCVR), log pCVR + log S(e)), exact in log space.
/// L = −(1/N) Σ w · log-likelihood over all exposures. This is the entire-space
/// (ESMM) factorisation p(click, buy, delay) = pCTR · pCVR · f with the DFM
/// treatment of unconverted clicks; ESDF's text was read only in its abstract,
/// so the day-slot details (whole days survived, a tail slot) are ours.
/// - Towers: one shared embedding/attention trunk; CTR, CVR and delay towers
///   with BASE's MainNet/BiasNet/Norm and output MLP each (`TaskTower`).
/// - `predictCVR` returns pCVR.
///
/// Reads: every feature block, the sequence, `click`, `conversion`, `delay`
/// (hours: the click-to-purchase time when converted, the time observed so far
/// when not; DDF's `delay_hours`), `weight`.
public final class ESDFModel: CVRModel {
  public struct Config: Codable, Equatable, Sendable, TowerModelConfig {
    /// Shared embedding/attention and each tower's MainNet/BiasNet (MetaCVR §3.1.3: BASE's features).
    public var frn = FRNConfig.paper
    /// Hidden widths of each tower's output MLP (f_b; M1: 128, 64).
    public var outputWidths = [128, 64]
    /// Day slots (ESDF) or exponential (DFM).
    public var delay = DelayDistribution.daySlots
    /// T, the number of delay slots, the last one open-ended (day slots only; ≥ 2).
    /// 7 covers DDF's delays (exponential, means 4 h to 60 h) with a week.
    public var delaySlots = 7
    /// Hours per slot / per time unit of λ (24: days).
    public var delayUnitHours: Float = 24

    public init() {}
  }

  /// The towers' logits: ctr, cvr [n]; delay [n, T − 1] (hazards) or [n, 1] (log λ).
  public struct Logits {
    public var ctr: Tensor
    public var cvr: Tensor
    public var delay: Tensor
  }

  public let kind = "ESDF"
  public var displayName = "ESDF"
  public let config: Config
  public let configuration: JSONValue
  public let trunk: EntireSpaceTrunk
  public let ctr: TaskTower
  public let cvr: TaskTower
  public let delay: TaskTower
  private let likelihood: DelayLikelihood
  public var trainingSpace: Space { .exposure }

  public init(plan: FeaturePlan, config: Config, seed: UInt64) throws {
    try checkWidths(config.outputWidths, "outputWidths")
    guard config.delay == .exponential || config.delaySlots >= 2 else {
      throw ModelError.config("ESDF needs at least 2 delay slots, got \(config.delaySlots)")
    }
    guard config.delayUnitHours > 0 else { throw ModelError.config("delayUnitHours must be > 0") }
    var rng = SeededGenerator(seed: seed)
    self.config = config
    configuration = try JSONValue(encoding: config)
    likelihood = DelayLikelihood(distribution: config.delay, slots: config.delaySlots, unitHours: config.delayUnitHours)
    let trunk = try EntireSpaceTrunk(plan: plan, config: config.frn, rng: &rng)
    self.trunk = trunk
    ctr = TaskTower(name: "ctr", frn: config.frn, hiddenWidths: config.outputWidths, trunk: trunk, rng: &rng)
    cvr = TaskTower(name: "cvr", frn: config.frn, hiddenWidths: config.outputWidths, trunk: trunk, rng: &rng)
    delay = TaskTower(name: "delay", frn: config.frn, hiddenWidths: config.outputWidths,
                      outputs: likelihood.outputs, trunk: trunk, rng: &rng)
  }

  /// Rebuilds the architecture stored in a checkpoint's `configuration` for `schema`.
  public convenience init(configuration: JSONValue, schema: DataSchema) throws {
    try self.init(plan: FeaturePlan(schema: schema), config: configuration.decode(Config.self), seed: 0)
  }

  public var children: [any Layer] { [trunk, ctr, cvr, delay] }

  public func logits(_ batch: Batch, _ tape: Tape) -> Logits {
    let n = batch.count
    let (main, bias) = trunk(batch, tape)
    return Logits(ctr: ctr(main: main, bias: bias, tape).reshaped(Shape(n)),
                  cvr: cvr(main: main, bias: bias, tape).reshaped(Shape(n)),
                  delay: delay(main: main, bias: bias, tape))
  }

  /// −(1/N) Σ w · log-likelihood (the three cases above).
  public func loss(_ batch: Batch, _ tape: Tape) -> Tensor {
    let n = batch.count
    let z = logits(batch, tape)
    let pCTR = LogProbability.sigmoid(z.ctr, tape), pCVR = LogProbability.sigmoid(z.cvr, tape)
    let delayTerm = likelihood.logTerm(z.delay, batch, tape)
    // Per-sample coefficients: clicked, unclicked, converted, censored (each × weight).
    let clicked = tape.empty(Shape(n)), unclicked = tape.empty(Shape(n))
    let converted = tape.empty(Shape(n)), censored = tape.empty(Shape(n))
    for b in 0..<n {
      let w = batch.weight[b], c = batch.click[b], y = batch.click[b] * batch.conversion[b]
      clicked.data[b] = w * c
      unclicked.data[b] = w * (1 - c)
      converted.data[b] = w * y
      censored.data[b] = w * (c - y)
    }
    let seen = tape.add(pCVR.log, delayTerm)
    let waiting = LogProbability.logAddExp(pCVR.log1m, seen, tape)
    let total = tape.add(
      tape.add(tape.sum(tape.mul(clicked, pCTR.log)), tape.sum(tape.mul(unclicked, pCTR.log1m))),
      tape.add(tape.sum(tape.mul(converted, seen)), tape.sum(tape.mul(censored, waiting))))
    return tape.scale(total, by: -1 / Float(n))
  }

  public var heads: [PredictionHead] { [.ctr, .cvr, .ctcvr] }

  /// pCTR = σ(z_ctr), pCVR = σ(z_cvr) (eventual conversion), pCTCVR = pCTR · pCVR.
  public func predict(_ batch: Batch, _ tape: Tape, into outputs: PredictionOutputs) {
    let z = logits(batch, tape)
    outputs.writeEntireSpace(count: batch.count, ctrLogits: z.ctr) { FastMath.sigmoid(z.cvr.data[$0]) }
  }

  /// pCVR = σ(z_cvr), the eventual conversion probability (CTR and delay towers not evaluated).
  public func predictCVR(_ batch: Batch, _ tape: Tape, into out: UnsafeMutablePointer<Float>) {
    let (main, bias) = trunk(batch, tape)
    let z = cvr(main: main, bias: bias, tape)
    for b in 0..<batch.count { out[b] = FastMath.sigmoid(z.data[b]) }
  }
}
