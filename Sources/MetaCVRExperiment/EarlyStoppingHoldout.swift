// The rows early stopping watches: a fixed share of the training split's clicked
// rows, held out from training, so D_v is read only by the final evaluation.
import CVRData
import CVRModels
import CVRTraining

/// A seeded, per-row Bernoulli split of clicked training rows.
///
/// A row is held out when SplitMix64(row ⊕ seed) / 2⁶⁴ < fraction: the same rows
/// for every model and every training seed of an experiment (models are compared
/// on equal data), and independent of row order.
package struct EarlyStoppingHoldout: Sendable {
  package let fraction: Double
  package let seed: UInt64
  private let held: [Bool]

  /// Marks the held-out rows among the clicked rows of the training range D (D_r ⊂ D, so
  /// stage-2 models and fine-tuning see the same held-out rows where they overlap).
  package init(splits: DataSplits, fraction: Double, seed: UInt64 = 0x4D45_5441) throws {
    guard fraction >= 0 && fraction < 1 else {
      throw TrainingError.config("holdout \(fraction) must be in [0, 1)")
    }
    self.fraction = fraction
    self.seed = seed
    var held = [Bool](repeating: false, count: splits.store.rowCount)
    for row in splits.rows(.train, space: .click) where Self.draw(row, seed: seed) < fraction {
      held[Int(row)] = true
    }
    self.held = held
  }

  package func isHeldOut(_ row: Int32) -> Bool { held[Int(row)] }

  /// `rows` without the held-out ones (what a model trains on).
  package func training(_ rows: [Int32]) -> [Int32] { rows.filter { !held[Int($0)] } }

  /// The held-out rows among `rows` (what early stopping scores).
  package func stopping(_ rows: [Int32]) -> [Int32] { rows.filter { held[Int($0)] } }

  /// For early stopping on CTR or CTCVR: the same draw applied to every row of
  /// the training range, unclicked exposures too (a clicked row is held out
  /// exactly when `isHeldOut` says so). `rows` without those rows…
  package func trainingExposures(_ rows: [Int32], splits: DataSplits) -> [Int32] {
    let inRange = Set(splits.rows(.train, space: .exposure))
    return rows.filter { !(inRange.contains($0) && Self.draw($0, seed: seed) < fraction) }
  }

  /// …and the held-out ones among `rows`.
  package func stoppingExposures(_ rows: [Int32], splits: DataSplits) -> [Int32] {
    let inRange = Set(splits.rows(.train, space: .exposure))
    return rows.filter { inRange.contains($0) && Self.draw($0, seed: seed) < fraction }
  }

  private static func draw(_ row: Int32, seed: UInt64) -> Double {
    var z = UInt64(UInt32(bitPattern: row)) ^ seed
    z &+= 0x9E37_79B9_7F4A_7C15
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    z ^= z >> 31
    return Double(z >> 11) / Double(1 << 53)
  }
}
