// DDPO (Su et al. SIGIR 2024): click- and conversion-propensity networks beside the CVR
// network, pseudo-conversion labels for unclicked rows, the CVR loss self-normalised
// by inverse click propensities in both spaces, on the family's flat embedding.
import CVRAutograd
import CVRCore
import CVRData
import CVREstimators
import CVRKernels
import CVRLayers

/// DDPO: Su, Meng, Zhu, Lu, Li, "DDPO: Direct Dual Propensity Optimization for Post-Click
/// Conversion Rate Estimation", SIGIR 2024, pp. 1179–1188 (the paper and the authors'
/// code, github.com/TL-UESTC/DDPO).
///
/// Networks (§3.1, Fig. 2) on x = FlatEmbeddingTrunk(batch), each a feature-encoding MLP
/// f and one linear prediction layer (§4, implementation details): click ô = σ(θ_o(f_o)), conversion propensity
/// r^c = σ(θ_c(f_c)) (Eq. 5, 7), CVR r̂ = σ(θ_r(f_r')) with f_r' = ReLU(θ_t[T_o(f_o, f_r);
/// T_c(f_c, f_r)]) through two causal transfer modules (Eq. 14, `CausalTransferModule`).
///
/// Loss L = λ_o L_o + λ_c L_c + λ_r L_r + λ_t L_t (Eq. 18; λ = 1 each, §4 RQ5):
/// - L_o = (1/|D|) Σ BCE(o, ô) (Eq. 16); L_t = (1/|D|) Σ BCE(o·r, ô·r̂) (Eq. 17);
/// - L_c = (1/|D|) Σ o BCE(r, r^c) (Eq. 6: the conversion propensity fits clicks only);
/// - L_r = (1/|D|) [ Σ_O BCE(r*, r̂) w_O + Σ_N BCE(r*, r̂) w_N ] (Eq. 10 with Eq. 15's
///   self-normalised weights w_O = (1/ô)/Σ_O 1/ô, w_N = (1/(1 − ô))/Σ_N 1/(1 − ô)), the soft
///   label r* = r where r = 1, else r^c detached (Eq. 9, clicked non-converted rows too).
///   Each bracketed sum is a `Tape.snipsLoss` (per batch), the second with observed
///   1 − o and propensity 1 − ô; ô detached and clipped at the family's floor.
///
/// The literal 1/|D| in front of two already normalised sums (Eq. 10 + 15, and the
/// authors' `mean` of the normalised products) shrinks L_r by the batch size; it is the
/// default (`scaleByBatch`), false drops it. RECONSTRUCTION, marked: the info layers in
/// the transfer modules (authors' code), the clip floor 0.05 (authors: 1e-6), one MLP
/// body per network of `towers` widths (authors: bottom 128-64, towers 64-32, an MMoE
/// variant besides).
public final class DDPOModel: HoldsDetachedInputs {
  public struct Config: Codable, Equatable, Sendable, FlatTowerModelConfig {
    /// Each network's feature-encoding widths; the last is the task-feature width d.
    public var towers = FlatTowerConfig.paper
    public var clickWeight: Float = 1
    public var conversionWeight: Float = 1
    public var cvrWeight: Float = 1
    public var ctcvrWeight: Float = 1
    /// Keep Eq. 10's 1/|D| in front of the self-normalised sums (the paper's and code's).
    public var scaleByBatch = true
    public var propensityFloor = 0.05

    public init() {}
  }

  /// The loss terms before weighting, each a scalar.
  public struct Terms {
    public var click: Tensor
    public var conversion: Tensor
    public var cvr: Tensor
    public var ctcvr: Tensor
  }

  /// The three networks' logits, each [n].
  public struct Logits {
    public var ctr: Tensor
    public var conversion: Tensor
    public var cvr: Tensor
  }

  public let kind = "DDPO"
  public var displayName = "DDPO"
  public let config: Config
  public let configuration: JSONValue
  public let trunk: FlatEmbeddingTrunk
  public let ctr: FlatTower
  public let conversion: FlatTower
  public let cvr: FlatTower
  public let clickTransfer: CausalTransferModule
  public let conversionTransfer: CausalTransferModule
  /// θ_t: [T_o; T_c] (2d) → d, ReLU.
  public let fusion: Linear
  let clip: PropensityClip
  public var trainingSpace: Space { .exposure }

  public init(plan: FeaturePlan, config: Config, seed: UInt64) throws {
    try config.towers.check()
    try checkLossWeights(["clickWeight": config.clickWeight, "conversionWeight": config.conversionWeight,
                          "cvrWeight": config.cvrWeight, "ctcvrWeight": config.ctcvrWeight])
    clip = try propensityClip(floor: config.propensityFloor)
    var rng = SeededGenerator(seed: seed)
    self.config = config
    configuration = try JSONValue(encoding: config)
    trunk = try FlatEmbeddingTrunk(plan: plan, rng: &rng)
    ctr = FlatTower(name: "ctr", inputDim: trunk.inputDim, config: config.towers, rng: &rng)
    conversion = FlatTower(name: "conversion", inputDim: trunk.inputDim, config: config.towers, rng: &rng)
    cvr = FlatTower(name: "cvr", inputDim: trunk.inputDim, config: config.towers, rng: &rng)
    let d = cvr.hiddenDim
    clickTransfer = CausalTransferModule(name: "transfer.click", dim: d, rng: &rng)
    conversionTransfer = CausalTransferModule(name: "transfer.conversion", dim: d, rng: &rng)
    fusion = Linear(2 * d, d, name: "transfer.fusion", rng: &rng)
  }

  public var children: [any Layer] {
    [trunk, ctr, conversion, cvr, clickTransfer, conversionTransfer, fusion]
  }

  public func logits(_ batch: Batch, _ tape: Tape) -> Logits {
    let x = trunk(batch, tape)
    let fo = ctr.hidden(x, tape), fc = conversion.hidden(x, tape), fr = cvr.hidden(x, tape)
    let fused = tape.relu(fusion(tape.concat([clickTransfer(other: fo, own: fr, tape),
                                              conversionTransfer(other: fc, own: fr, tape)], axis: 1), tape))
    return Logits(ctr: ctr.logit(hidden: fo, tape), conversion: conversion.logit(hidden: fc, tape),
                  cvr: cvr.logit(hidden: fused, tape))
  }

  /// The unweighted terms; ô and r^c are the live values detached, or `held`'s.
  public func terms(_ batch: Batch, _ tape: Tape, holding held: HeldInputs? = nil) -> Terms {
    let n = batch.count
    let z = logits(batch, tape)
    let labels = ExposureLabels(batch, tape)
    let pCTR = LogProbability.sigmoid(z.ctr, tape), pCVR = LogProbability.sigmoid(z.cvr, tape)
    let pConversion = LogProbability.sigmoid(z.conversion, tape)
    let propensity = held?.propensityTensor(tape) ?? clickPropensity(ctrLogits: z.ctr, tape)
    let nonClick = labels.nonClick(tape), nonClickPropensity = tape.empty(Shape(n)), soft = tape.empty(Shape(n))
    for b in 0..<n {
      nonClickPropensity.data[b] = 1 - propensity.data[b]
      let rc = held?.pseudoLabels?[b] ?? FastMath.sigmoid(z.conversion.data[b])
      soft.data[b] = labels.conversion.data[b] == 1 ? 1 : rc
    }
    let e = pCVR.errors(labels: soft, weights: labels.weight, tape)
    var cvrTerm = tape.add(tape.snipsLoss(errors: e, observed: labels.click, propensity: propensity, clip: clip),
                           tape.snipsLoss(errors: e, observed: nonClick, propensity: nonClickPropensity, clip: clip))
    if config.scaleByBatch { cvrTerm = tape.scale(cvrTerm, by: 1 / Float(n)) }
    let clickedOnly = tape.empty(Shape(n))
    for b in 0..<n { clickedOnly.data[b] = labels.weight.data[b] * labels.click.data[b] }
    return Terms(click: pCTR.crossEntropy(labels: labels.click, weights: labels.weight, tape),
                 conversion: pConversion.crossEntropy(labels: labels.conversion, weights: clickedOnly, tape),
                 cvr: cvrTerm,
                 ctcvr: pCTR.times(pCVR, tape).crossEntropy(labels: labels.clickConversion, weights: labels.weight, tape))
  }

  public func loss(_ batch: Batch, _ tape: Tape) -> Tensor { loss(batch, tape, holding: nil) }

  /// λ_o L_o + λ_c L_c + λ_r L_r + λ_t L_t (Eq. 18).
  public func loss(_ batch: Batch, _ tape: Tape, holding held: HeldInputs?) -> Tensor {
    let t = terms(batch, tape, holding: held)
    return tape.add(tape.add(tape.scale(t.click, by: config.clickWeight), tape.scale(t.conversion, by: config.conversionWeight)),
                    tape.add(tape.scale(t.cvr, by: config.cvrWeight), tape.scale(t.ctcvr, by: config.ctcvrWeight)))
  }

  public func heldInputs(_ batch: Batch) -> HeldInputs {
    let tape = Tape(recording: false)
    return tape.inference {
      let z = logits(batch, tape)
      return HeldInputs(propensity: (0..<batch.count).map { FastMath.sigmoid(z.ctr.data[$0]) },
                        pseudoLabels: (0..<batch.count).map { FastMath.sigmoid(z.conversion.data[$0]) })
    }
  }

  public var heads: [PredictionHead] { [.ctr, .cvr, .ctcvr] }

  public func predict(_ batch: Batch, _ tape: Tape, into outputs: PredictionOutputs) {
    let z = logits(batch, tape)
    outputs.writeEntireSpace(count: batch.count, ctrLogits: z.ctr) { FastMath.sigmoid(z.cvr.data[$0]) }
  }

  /// pCVR = r̂ (the CVR network needs the click and conversion features through the transfer modules).
  public func predictCVR(_ batch: Batch, _ tape: Tape, into out: UnsafeMutablePointer<Float>) {
    let z = logits(batch, tape)
    for b in 0..<batch.count { out[b] = FastMath.sigmoid(z.cvr.data[b]) }
  }
}

extension DDPOModel {
  /// Kind "DDPO".
  public static let modelKind = ModelKind.network(kind: "DDPO", paper: Config.paper, demo: Config.demo) {
    try DDPOModel(plan: $0, config: $1, seed: $2)
  }
}
