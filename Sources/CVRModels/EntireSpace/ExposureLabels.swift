// What the causal entire-space losses read of a batch, as tape constants: the
// click o, the conversion r (0 on unclicked rows), o·r and the sample weights.
import CVRAutograd
import CVRData

/// The labels of an exposure-space batch, each a constant [n] (EGEAN §2.1 notation:
/// o = click, r = conversion, observed only where o = 1 and 0 elsewhere).
public struct ExposureLabels {
  public let click: Tensor
  public let conversion: Tensor
  /// o·r, the CTCVR label.
  public let clickConversion: Tensor
  /// The batch's per-sample weights (1 unless the data sets them).
  public let weight: Tensor

  public init(_ batch: Batch, _ tape: Tape) {
    let n = batch.count
    click = labelTensor(batch.click, count: n, tape)
    weight = labelTensor(batch.weight, count: n, tape)
    let r = tape.empty(Shape(n)), or = tape.empty(Shape(n))
    for b in 0..<n {
      r.data[b] = batch.click[b] != 0 ? batch.conversion[b] : 0
      or.data[b] = batch.click[b] * batch.conversion[b]
    }
    conversion = r
    clickConversion = or
  }

  /// 1 − o, the non-click indicator, as a constant [n].
  public func nonClick(_ tape: Tape) -> Tensor {
    let out = tape.empty(click.shape)
    for b in 0..<click.count { out.data[b] = 1 - click.data[b] }
    return out
  }
}
