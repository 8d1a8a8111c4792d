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

  /// Labels from plain arrays of one length (weights 1 when nil); r is zeroed where o = 0.
  public init(click o: [Float], conversion r: [Float], weight w: [Float]? = nil, _ tape: Tape) {
    precondition(o.count == r.count && (w?.count ?? o.count) == o.count, "ExposureLabels: arrays of different lengths")
    let n = o.count
    click = tape.constant(o, Shape(n))
    conversion = tape.constant(zip(o, r).map { $0 != 0 ? $1 : 0 }, Shape(n))
    clickConversion = tape.constant(zip(o, r).map { $0 * $1 }, Shape(n))
    weight = tape.constant(w ?? [Float](repeating: 1, count: n), Shape(n))
  }

  /// 1 − o, the non-click indicator, as a constant [n].
  public func nonClick(_ tape: Tape) -> Tensor {
    let out = tape.empty(click.shape)
    for b in 0..<click.count { out.data[b] = 1 - click.data[b] }
    return out
  }
}
