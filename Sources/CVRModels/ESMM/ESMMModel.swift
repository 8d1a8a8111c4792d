// ESMM, the Entire Space Multi-task Model (Ma et al., SIGIR 2018): CTR and CVR
// towers over every exposure, trained on CTR and CTCVR = CTR × CVR, over MetaCVR's
// FRN (default) or the EGEAN family's flat embedding.
import CVRAutograd
import CVRCore
import CVRData
import CVRKernels
import CVRLayers

/// ESMM (Ma et al., "Entire Space Multi-Task Model: An Effective Approach for
/// Estimating Post-Click Conversion Rate", SIGIR 2018), on MetaCVR's features.
///
/// - pCTR = σ(z_ctr), pCVR = σ(z_cvr), pCTCVR = pCTR · pCVR (ESMM §2.2: p(y=1, z=1|x)
///   = p(y=1|x) · p(z=1|y=1, x)).
/// - Loss over all exposures (ESMM §2.3, equal task weights; also seeds-code.md §2.8):
///   L = (1/N) Σ ℓ(click, pCTR) + (1/N) Σ ℓ(click · conversion, pCTCVR), ℓ the binary
///   cross-entropy; the CVR tower is supervised only through the product.
///   pCTCVR is handled in log space (`LogProbability.times`), so a tiny product
///   neither underflows nor loses its gradient to a clamp.
/// - Towers (ESMM §2.3: the two networks share the embedding lookup), by `trunk`:
///   - `frn` (the default, MetaCVR's comparison): the embedding layer and the
///     behaviour attention are shared (`EntireSpaceTrunk`); each task has BASE's
///     architecture above them, its own MainNet/BiasNet/Norm and 3-layer output MLP
///     (`TaskTower`);
///   - `flat` (EGEAN's comparison, §3.1: every method on the same embedding layer):
///     the `FlatEmbeddingTrunk` and two `FlatTower`s of `towers` widths, as MTL-DR,
///     ESCM², DCMT, DDPO and AECM.
///   A checkpoint written before the key existed has no `trunk` and decodes as `frn`.
/// - `predictCVR` returns pCVR, the quantity MetaCVR's Table 2 scores on clicks.
///
/// Reads: every feature block, the behaviour sequence, `click`, `conversion`, `weight`.
public final class ESMMModel: CVRModel {
  /// Which shared bottom and towers the two tasks use.
  public enum Trunk: String, Codable, Sendable {
    /// BASE's FRN per task over a shared embedding and attention (MetaCVR's features).
    case frn
    /// The EGEAN family's flat embedding and MLP towers.
    case flat
  }

  public struct Config: Codable, Equatable, Sendable, TowerModelConfig {
    public var trunk = Trunk.frn
    /// The shared embedding/attention and each tower's MainNet/BiasNet (MetaCVR §3.1.3: same features as BASE; `frn` only).
    public var frn = FRNConfig.paper
    /// Hidden widths of each tower's output MLP (f_b; workload M1: 128, 64; `frn` only).
    public var outputWidths = [128, 64]
    /// Each tower's widths over the flat trunk (`flat` only).
    public var towers = FlatTowerConfig.paper

    public init() {}

    /// Keys added after the first checkpoints (`trunk`, `towers`) default when absent,
    /// so those checkpoints still load as the FRN model they are.
    public init(from decoder: any Decoder) throws {
      let c = try decoder.container(keyedBy: CodingKeys.self)
      trunk = try c.decodeIfPresent(Trunk.self, forKey: .trunk) ?? .frn
      frn = try c.decode(FRNConfig.self, forKey: .frn)
      outputWidths = try c.decode([Int].self, forKey: .outputWidths)
      towers = try c.decodeIfPresent(FlatTowerConfig.self, forKey: .towers) ?? .paper
    }

    /// The demo preset: `TowerModelConfig.demo` with the demo flat towers.
    public static var demoPreset: Config {
      var c = Config.demo
      c.towers = .demo
      return c
    }
  }

  /// The two towers over the chosen shared bottom.
  enum Backbone {
    case frn(EntireSpaceTrunk, ctr: TaskTower, cvr: TaskTower)
    case flat(FlatEmbeddingTrunk, ctr: FlatTower, cvr: FlatTower)
  }

  /// The two towers' logits, each [n].
  public struct Logits {
    public var ctr: Tensor
    public var cvr: Tensor
  }

  public let kind = "ESMM"
  public var displayName = "ESMM"
  public let config: Config
  public let configuration: JSONValue
  let backbone: Backbone
  public var trainingSpace: Space { .exposure }

  public init(plan: FeaturePlan, config: Config, seed: UInt64) throws {
    var rng = SeededGenerator(seed: seed)
    self.config = config
    configuration = try JSONValue(encoding: config)
    switch config.trunk {
    case .frn:
      try checkWidths(config.outputWidths, "outputWidths")
      let trunk = try EntireSpaceTrunk(plan: plan, config: config.frn, rng: &rng)
      backbone = .frn(
        trunk, ctr: TaskTower(name: "ctr", frn: config.frn, hiddenWidths: config.outputWidths, trunk: trunk, rng: &rng),
        cvr: TaskTower(name: "cvr", frn: config.frn, hiddenWidths: config.outputWidths, trunk: trunk, rng: &rng))
    case .flat:
      try config.towers.check()
      let trunk = try FlatEmbeddingTrunk(plan: plan, rng: &rng)
      backbone = .flat(trunk, ctr: FlatTower(name: "ctr", inputDim: trunk.inputDim, config: config.towers, rng: &rng),
                       cvr: FlatTower(name: "cvr", inputDim: trunk.inputDim, config: config.towers, rng: &rng))
    }
  }

  /// Rebuilds the architecture stored in a checkpoint's `configuration` for `schema`.
  public convenience init(configuration: JSONValue, schema: DataSchema) throws {
    try self.init(plan: FeaturePlan(schema: schema), config: configuration.decode(Config.self), seed: 0)
  }

  public var children: [any Layer] {
    switch backbone {
    case .frn(let trunk, let ctr, let cvr): [trunk, ctr, cvr]
    case .flat(let trunk, let ctr, let cvr): [trunk, ctr, cvr]
    }
  }

  /// z_ctr and z_cvr for the batch.
  public func logits(_ batch: Batch, _ tape: Tape) -> Logits {
    let n = batch.count
    switch backbone {
    case .frn(let trunk, let ctr, let cvr):
      let (main, bias) = trunk(batch, tape)
      return Logits(ctr: ctr(main: main, bias: bias, tape).reshaped(Shape(n)),
                    cvr: cvr(main: main, bias: bias, tape).reshaped(Shape(n)))
    case .flat(let trunk, let ctr, let cvr):
      let x = trunk(batch, tape)
      return Logits(ctr: ctr(x, tape), cvr: cvr(x, tape))
    }
  }

  /// L = BCE(pCTR, click) + BCE(pCTR · pCVR, click · conversion), each a mean over the batch.
  public func loss(_ batch: Batch, _ tape: Tape) -> Tensor {
    let n = batch.count
    let z = logits(batch, tape)
    let pCTR = LogProbability.sigmoid(z.ctr, tape)
    let pCTCVR = pCTR.times(LogProbability.sigmoid(z.cvr, tape), tape)
    let click = labelTensor(batch.click, count: n, tape)
    let clickConversion = tape.empty(Shape(n))
    for b in 0..<n { clickConversion.data[b] = batch.click[b] * batch.conversion[b] }
    let weights = labelTensor(batch.weight, count: n, tape)
    return tape.add(pCTR.crossEntropy(labels: click, weights: weights, tape),
                    pCTCVR.crossEntropy(labels: clickConversion, weights: weights, tape))
  }

  public var heads: [PredictionHead] { [.ctr, .cvr, .ctcvr] }

  /// pCTR = σ(z_ctr), pCVR = σ(z_cvr), pCTCVR = pCTR · pCVR (Ma et al. 2018).
  public func predict(_ batch: Batch, _ tape: Tape, into outputs: PredictionOutputs) {
    let z = logits(batch, tape)
    outputs.writeEntireSpace(count: batch.count, ctrLogits: z.ctr) { FastMath.sigmoid(z.cvr.data[$0]) }
  }

  /// pCVR = σ(z_cvr) (the CTR tower is not evaluated).
  public func predictCVR(_ batch: Batch, _ tape: Tape, into out: UnsafeMutablePointer<Float>) {
    let z: Tensor
    switch backbone {
    case .frn(let trunk, _, let cvr):
      let (main, bias) = trunk(batch, tape)
      z = cvr(main: main, bias: bias, tape)
    case .flat(let trunk, _, let cvr):
      z = cvr(trunk(batch, tape), tape)
    }
    for b in 0..<batch.count { out[b] = FastMath.sigmoid(z.data[b]) }
  }
}
