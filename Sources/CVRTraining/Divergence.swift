// When a training run has diverged: the rule `Trainer.fit` applies after every
// step and every epoch, so a run whose loss explodes stops with an error
// instead of finishing with constant scores (AUC 0.5000).
import CVRAutograd
import Foundation

/// The divergence rule (docs/training.md):
/// - a step's loss that is not finite (NaN, ±∞), or above `ceiling` (1e6: a
///   binary cross-entropy that large means logits of ±1e6, far past any
///   useful model), stops the run at that step;
/// - an epoch whose mean training loss exceeds `factor` (100) × the first
///   epoch's mean stops the run at that epoch's last step (a loss that grew
///   a hundredfold is exploding, even if still finite);
/// - parameters that are not finite after an epoch stop the run there.
/// Nothing of the diverged epoch is checkpointed: the last epoch checkpoint
/// (the last good state) is kept as it was.
public struct DivergenceRule: Sendable, Equatable {
  public var ceiling: Double
  public var factor: Double

  public static let standard = DivergenceRule(ceiling: 1e6, factor: 100)

  public init(ceiling: Double, factor: Double) {
    self.ceiling = ceiling
    self.factor = factor
  }

  /// Why a step's loss means divergence (nil: it does not).
  public func stepProblem(_ loss: Double) -> String? {
    guard loss.isFinite else { return "the loss is \(loss)" }
    guard loss <= ceiling else { return "the loss is \(format(loss)), above the ceiling \(format(ceiling))" }
    return nil
  }

  /// Why an epoch's mean loss means divergence against the first epoch's.
  public func epochProblem(mean: Double, first: Double?) -> String? {
    guard let first, first > 0, mean > factor * first else { return nil }
    return "the epoch's mean loss \(format(mean)) is over \(format(factor))× the first epoch's \(format(first))"
  }

  /// The first parameter holding a non-finite value.
  public static func nonFiniteParameter(_ parameters: [Parameter]) -> String? {
    for p in parameters {
      for i in 0..<p.value.count where !p.value[i].isFinite { return p.name }
    }
    return nil
  }

  private func format(_ value: Double) -> String {
    abs(value) >= 1e5 ? String(format: "%.3g", value) : String(format: "%.4g", value)
  }
}
