// AECM (Zhang et al. WWW 2024): a DR multi-task model whose shared embedding and CVR
// representation are adversarially aligned between the click and non-click spaces by
// two discriminators behind gradient-reversal layers, on the family's flat embedding.
import CVRAutograd
import CVRCore
import CVRData
import CVRLayers

/// AECM: Zhang, Huang, Zheng, Su, Ji, Wang, Qi, Li, "Adversarial-Enhanced Causal
/// Multi-Task Framework for Debiasing Post-Click Conversion Rate Estimation", WWW 2024,
/// pp. 3287–3296 (doi 10.1145/3589334.3645379).
///
/// What its abstract and EGEAN §1/§3.1 fix: a DR-family estimator with an imputation
/// model; a "dual adversarial component" learning "from both the space level and the task
/// level" to remove the click propensity's influence on the features (EGEAN: domain
/// adaptation between the click and non-click spaces against covariate shift); two
/// discriminators with LeakyReLU, negative slope 0.2 (EGEAN §3.1).
///
/// Towers (`CausalMultiTaskModel`, method DR): x = FlatEmbeddingTrunk(batch); CTR, CVR
/// and imputation towers. Discriminators, each an MLP with LeakyReLU(0.2) hidden layers
/// and one logit, predicting the click o:
/// - space level D_s(R(x)): the shared embedding of clicked and unclicked exposures;
/// - task level D_t(R(h_cvr)): the CVR tower's last hidden layer;
/// R the gradient-reversal layer (Ganin & Lempitsky 2015; `Tape.reverseGradient`), so
/// each discriminator minimises its cross-entropy while what feeds it maximises it.
///
/// Loss: L = L_CTR + λ_c (L_DR + λ_imp L_IMP) + λ_g L_CTCVR + λ_s L_Ds + λ_t L_Dt,
/// L_Ds = (1/|D|) Σ BCE(o, σ(D_s)), L_Dt likewise; ô = clip(pCTR) detached.
///
/// RECONSTRUCTION, marked (the paper's equations are not in our sources): the estimator
/// is DR-JL (`CausalMultiTaskModel`), standing in for the paper's bias–variance balanced
/// DR (alternatives: MRDR's imputation weights, Guo et al. SIGIR 2021; DR-MSE, Dai et al.
/// KDD 2022); what each discriminator reads (alternatives: the task level on the CTR
/// tower, or telling the CTR from the CVR representation); the discriminator label o
/// (the space a row comes from); λ_s = λ_t = 1, λ_c = 1, λ_g = 1 (the CTCVR term as in
/// the group's DDPO objective), reversal strength 1, discriminator widths one hidden
/// layer of 64 (16 in the demo preset).
public final class AECMModel: HoldsDetachedInputs {
  public struct Config: Codable, Equatable, Sendable {
    /// The towers and the weights of L_CTR, L_DR, L_IMP, L_CTCVR.
    public var base: CausalMultiTaskConfig = {
      var c = CausalMultiTaskConfig()
      c.ctcvrWeight = 1
      return c
    }()
    /// Hidden widths of each discriminator.
    public var discriminatorWidths = [64]
    /// LeakyReLU negative slope in the discriminators (EGEAN §3.1: 0.2).
    public var leakySlope: Float = 0.2
    /// λ_s on the space-level discriminator's loss.
    public var spaceWeight: Float = 1
    /// λ_t on the task-level discriminator's loss.
    public var taskWeight: Float = 1
    /// The gradient-reversal strength (1 = plain reversal).
    public var reversal: Float = 1

    public init() {}

    public static let paper = Config()
    public static var demo: Config {
      var c = Config()
      c.base.towers = .demo
      c.discriminatorWidths = [16]
      return c
    }

    func check() throws {
      try checkWidths(discriminatorWidths, "discriminatorWidths")
      try checkLossWeights(["leakySlope": leakySlope, "spaceWeight": spaceWeight, "taskWeight": taskWeight,
                            "reversal": reversal])
    }
  }

  /// The discriminators' losses, each a scalar.
  public struct AdversarialTerms {
    public var space: Tensor
    public var task: Tensor
  }

  public let kind = "AECM"
  public var displayName = "AECM"
  public let config: Config
  public let configuration: JSONValue
  /// The DR towers on the shared embedding.
  public let towers: CausalMultiTaskModel
  public let spaceDiscriminator: MLP
  public let taskDiscriminator: MLP
  public var trainingSpace: Space { .exposure }

  public init(plan: FeaturePlan, config: Config, seed: UInt64) throws {
    try config.check()
    self.config = config
    configuration = try JSONValue(encoding: config)
    towers = try CausalMultiTaskModel(kind: "AECM", method: .dr, plan: plan, config: config.base, seed: seed)
    var rng = SeededGenerator(seed: seed &+ 0x9E37_79B9)
    func discriminator(_ name: String, _ inputDim: Int) -> MLP {
      MLP(.init(widths: [inputDim] + config.discriminatorWidths + [1], activation: .leakyRelu(slope: config.leakySlope)),
          name: name, rng: &rng)
    }
    spaceDiscriminator = discriminator("discriminator.space", towers.trunk.inputDim)
    taskDiscriminator = discriminator("discriminator.task", towers.cvr.hiddenDim)
  }

  public var children: [any Layer] { [towers, spaceDiscriminator, taskDiscriminator] }

  /// BCE(o, σ(D(R_λ(features)))) for both discriminators, λ = `reversal`.
  public func adversarialTerms(_ z: CausalMultiTaskModel.Logits, _ labels: ExposureLabels, reversal: Float,
                               _ tape: Tape) -> AdversarialTerms {
    func bce(_ d: MLP, _ input: Tensor) -> Tensor {
      let logit = d(tape.reverseGradient(input, scale: reversal), tape).reshaped(Shape(input.shape[0]))
      return LogProbability.sigmoid(logit, tape).crossEntropy(labels: labels.click, weights: labels.weight, tape)
    }
    return AdversarialTerms(space: bce(spaceDiscriminator, z.features), task: bce(taskDiscriminator, z.cvrHidden))
  }

  public func loss(_ batch: Batch, _ tape: Tape) -> Tensor { loss(batch, tape, holding: nil) }

  public func loss(_ batch: Batch, _ tape: Tape, holding held: HeldInputs?) -> Tensor {
    loss(batch, tape, holding: held, reversal: config.reversal)
  }

  /// The loss with a given reversal strength (−1 makes R the identity both ways: the
  /// plain function finite differences can check).
  public func loss(_ batch: Batch, _ tape: Tape, holding held: HeldInputs?, reversal: Float) -> Tensor {
    let z = towers.logits(batch, tape)
    let labels = ExposureLabels(batch, tape)
    let main = towers.combine(towers.terms(z, labels, tape, holding: held), tape)
    let adv = adversarialTerms(z, labels, reversal: reversal, tape)
    return tape.add(main, tape.add(tape.scale(adv.space, by: config.spaceWeight),
                                   tape.scale(adv.task, by: config.taskWeight)))
  }

  public func heldInputs(_ batch: Batch) -> HeldInputs { towers.heldInputs(batch) }

  public var heads: [PredictionHead] { [.ctr, .cvr, .ctcvr] }

  public func predict(_ batch: Batch, _ tape: Tape, into outputs: PredictionOutputs) {
    towers.predict(batch, tape, into: outputs)
  }

  public func predictCVR(_ batch: Batch, _ tape: Tape, into out: UnsafeMutablePointer<Float>) {
    towers.predictCVR(batch, tape, into: out)
  }
}

extension AECMModel {
  /// Kind "AECM".
  public static let modelKind = ModelKind.network(kind: "AECM", paper: Config.paper, demo: Config.demo) {
    try AECMModel(plan: $0, config: $1, seed: $2)
  }
}
