// A test model whose validation AUC is a known function of its one parameter,
// so early stopping and the restore of the best epoch can be checked exactly.
import CVRAutograd
import CVRCheckpoint
import CVRCore
import CVRData
import CVRLayers
import CVRModels

/// loss = w (gradient 1: Adagrad moves w down by a known amount each step).
/// Scores: a positive row gets q(w) = 1 − |w − target|, a negative row a fixed
/// pseudo-random u(row) in [0, 1); so AUC = share of negatives below q(w),
/// which peaks at the epoch where w is closest to `target`.
final class ScriptedModel: CVRModel {
  let w = Parameter("scripted.w", shape: Shape(1))
  let target: Float
  /// w at every predictCVR call (the trainer validates once per epoch).
  private(set) var seen: [Float] = []
  var kind: String { "Scripted" }
  var displayName: String { "Scripted" }
  var ownParameters: [Parameter] { [w] }
  var trainingSpace: Space { .click }
  var configuration: JSONValue { .null }

  init(target: Float) { self.target = target }

  func loss(_ batch: Batch, _ tape: Tape) -> Tensor { tape.param(w) }

  func predictCVR(_ batch: Batch, _ tape: Tape, into out: UnsafeMutablePointer<Float>) {
    let value = w.value[0]
    if seen.last != value { seen.append(value) }
    let q = 1 - abs(value - target)
    for b in 0..<batch.count {
      let u = Float(UInt32(truncatingIfNeeded: UInt64(batch.rows[b]) &* 0x9E37_79B9_7F4A_7C15 >> 32)) / 4_294_967_296
      out[b] = batch.conversion[b] > 0.5 ? q : u
    }
  }
}
