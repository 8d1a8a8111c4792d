// Seeded randomness: every initialiser, dropout mask and shuffle draws from
// this generator, so the same seed gives the same numbers on every run.
import RealModule


/// xoshiro256** (Blackman & Vigna 2018), seeded through SplitMix64 so that any
/// 64-bit seed, including 0, gives a well-mixed state.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
  private var s0: UInt64, s1: UInt64, s2: UInt64, s3: UInt64

  public init(seed: UInt64) {
    var x = seed
    func splitMix(_ x: inout UInt64) -> UInt64 {
      x &+= 0x9E37_79B9_7F4A_7C15
      var z = x
      z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
      z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
      return z ^ (z >> 31)
    }
    s0 = splitMix(&x); s1 = splitMix(&x); s2 = splitMix(&x); s3 = splitMix(&x)
  }

  /// The four state words, for a training checkpoint: `init(state:)` continues
  /// the exact sequence this generator would draw next (resume after a kill).
  public var state: [UInt64] { [s0, s1, s2, s3] }

  /// A generator continuing from `state` (as read from `state`); nil unless it
  /// is four words, not all zero (xoshiro's one forbidden state).
  public init?(state: [UInt64]) {
    guard state.count == 4, state.contains(where: { $0 != 0 }) else { return nil }
    (s0, s1, s2, s3) = (state[0], state[1], state[2], state[3])
  }

  @inline(__always)
  public mutating func next() -> UInt64 {
    let result = ((s1 &* 5) << 7 | (s1 &* 5) >> 57) &* 9
    let t = s1 << 17
    s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3
    s2 ^= t
    s3 = (s3 << 45) | (s3 >> 19)
    return result
  }

  /// Uniform in [0, 1) with 24 random bits (every Float in the grid is reachable).
  @inline(__always)
  public mutating func nextUnitFloat() -> Float {
    Float(next() >> 40) * (1.0 / 16_777_216.0)
  }

  /// Uniform in [low, high).
  @inline(__always)
  public mutating func nextFloat(in low: Float, _ high: Float) -> Float {
    low + (high - low) * nextUnitFloat()
  }

  /// Standard normal by Box–Muller (one of the pair is discarded: simple and stateless).
  public mutating func nextNormal() -> Float {
    var u1 = Double(next() >> 11) * 0x1.0p-53
    if u1 < 1e-300 { u1 = 1e-300 }
    let u2 = Double(next() >> 11) * 0x1.0p-53
    return Float((-2 * Double.log(u1)).squareRoot() * Double.cos(2 * Double.pi * u2))
  }
}
