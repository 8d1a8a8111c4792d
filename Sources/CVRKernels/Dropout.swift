// Inverted dropout: keep each element with probability 1 − rate and scale the
// kept ones by 1 / (1 − rate), so the expected output equals the input.
import CVRCore

package enum Dropout {
  /// y[i] = x[i] · m[i], m[i] = 1/(1 − rate) with probability 1 − rate, else 0.
  ///
  /// Draws exactly one uniform per element from `rng`, in order, whether or not
  /// the mask is stored, so the same generator state gives the same mask.
  /// Shapes: x, y, mask [count]; mask nil when the caller needs no backward.
  package static func forward(
    _ x: UnsafePointer<Float>, count: Int, rate: Float, rng: inout SeededGenerator,
    into y: UnsafeMutablePointer<Float>, mask: UnsafeMutablePointer<Float>?
  ) {
    precondition(rate >= 0 && rate < 1, "Dropout: rate must be in [0, 1), got \(rate)")
    let scale = 1 / (1 - rate)
    for i in 0..<count {
      let m: Float = rng.nextUnitFloat() >= rate ? scale : 0
      mask?[i] = m
      y[i] = x[i] * m
    }
  }

  /// dx[i] += dy[i] · mask[i].
  package static func backward(
    gradOutput dy: UnsafePointer<Float>, mask: UnsafePointer<Float>, count: Int,
    accumulatingInto dx: UnsafeMutablePointer<Float>
  ) {
    for i in 0..<count { dx[i] += dy[i] * mask[i] }
  }
}
