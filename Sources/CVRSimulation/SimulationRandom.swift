// Draws the simulators need on top of SeededGenerator: uniform doubles and ints,
// Bernoulli, exponential, and sampling from a cumulative weight table.
import CVRCore
import CVRData

import Foundation

extension SeededGenerator {
  /// Uniform in [0, 1) with 53 random bits.
  @inline(__always)
  mutating func unit() -> Double { Double(next() >> 11) * 0x1.0p-53 }

  /// Uniform integer in 0 ..< n (multiply-shift; the bias is below 2^-32 for our sizes).
  @inline(__always)
  mutating func below(_ n: Int) -> Int {
    Int((UInt64(n) &* (next() >> 32)) >> 32)
  }

  /// True with probability p.
  @inline(__always)
  mutating func bernoulli(_ p: Double) -> Bool { unit() < p }

  /// Exponential with the given mean.
  mutating func exponential(mean: Double) -> Double { -mean * Foundation.log(1 - unit()) }

  /// Standard normal as a Double.
  mutating func normal() -> Double { Double(nextNormal()) }
}

/// The logistic function in Double (probabilities are written with 6 decimals).
@inline(__always)
func sigmoid(_ x: Double) -> Double { 1 / (1 + Foundation.exp(-x)) }

/// Sampling an index with probability proportional to its weight (binary search
/// over running sums; rebuilt whenever the weights change).
struct WeightedTable {
  private(set) var cumulative: [Double]

  init(_ weights: [Double]) {
    cumulative = []
    cumulative.reserveCapacity(weights.count)
    var total = 0.0
    for w in weights {
      precondition(w >= 0 && w.isFinite, "WeightedTable: bad weight \(w)")
      total += w
      cumulative.append(total)
    }
    precondition(total > 0, "WeightedTable: all weights are zero")
  }

  func sample(_ rng: inout SeededGenerator) -> Int {
    let target = rng.unit() * cumulative[cumulative.count - 1]
    var low = 0, high = cumulative.count - 1
    while low < high {
      let mid = (low + high) / 2
      if cumulative[mid] > target { high = mid } else { low = mid + 1 }
    }
    return low
  }
}
