// What the flat-trunk baselines whose pCVR is a plain CVR tower share: predicting
// pCTR, pCVR and pCTCVR from the trunk and two towers, and the checks of their
// configurations' loss weights.
import CVRAutograd
import CVRData
import CVRKernels

/// A model of the EGEAN family whose pCTR and pCVR are σ of a CTR and a CVR `FlatTower`
/// over its `FlatEmbeddingTrunk` (MTL, ESCM², DCMT's factual tower, ESMM flat).
protocol FlatCTRCVRModel: CVRModel {
  var trunk: FlatEmbeddingTrunk { get }
  var ctr: FlatTower { get }
  var cvr: FlatTower { get }
}

extension FlatCTRCVRModel {
  public var heads: [PredictionHead] { [.ctr, .cvr, .ctcvr] }

  /// pCTR = σ(z_ctr), pCVR = σ(z_cvr), pCTCVR = pCTR·pCVR.
  public func predict(_ batch: Batch, _ tape: Tape, into outputs: PredictionOutputs) {
    let x = trunk(batch, tape)
    let zCTR = ctr(x, tape), zCVR = cvr(x, tape)
    outputs.writeEntireSpace(count: batch.count, ctrLogits: zCTR) { FastMath.sigmoid(zCVR.data[$0]) }
  }

  /// pCVR = σ(z_cvr) (the CTR tower is not evaluated).
  public func predictCVR(_ batch: Batch, _ tape: Tape, into out: UnsafeMutablePointer<Float>) {
    let z = cvr(trunk(batch, tape), tape)
    for b in 0..<batch.count { out[b] = FastMath.sigmoid(z.data[b]) }
  }

  /// The detached propensity σ(z_ctr) of `batch` at the current parameters.
  func heldPropensity(_ batch: Batch) -> HeldInputs {
    HeldInputs(propensity: ctrProbabilities(batch, features: trunk, tower: ctr))
  }
}

/// - Throws: `ModelError.config` naming the first weight that is not a finite number ≥ 0.
func checkLossWeights(_ weights: KeyValuePairs<String, Float>) throws {
  for (name, w) in weights where !(w >= 0 && w.isFinite) {
    throw ModelError.config("\(name) must be a finite number ≥ 0, got \(w)")
  }
}

/// A configuration whose towers are `FlatTower`s of `towers` widths, with the family's
/// presets (as `TowerModelConfig` for the FRN baselines).
public protocol FlatTowerModelConfig {
  init()
  var towers: FlatTowerConfig { get set }
}

extension FlatTowerModelConfig {
  /// The paper preset (workload M3's towers, 256-128-64).
  public static var paper: Self { Self() }

  /// The demo preset (`FlatTowerConfig.demo`, 64-32).
  public static var demo: Self {
    var c = Self()
    c.towers = .demo
    return c
  }
}
