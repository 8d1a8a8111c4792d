// Reliability-diagram bins: mean prediction against observed rate per bin of
// predicted probability, equal-width or equal-count.

/// One bin of predicted probability.
public struct CalibrationBin: Sendable, Equatable {
  /// The bin's range: [lower, upper) for equal width (the last bin includes
  /// 1); for equal count, the smallest and largest prediction it holds.
  public let lower: Double
  public let upper: Double
  /// Rows in the bin.
  public let count: Int
  /// Mean predicted probability of its rows; nil when the bin is empty.
  public let meanPrediction: Double?
  /// Fraction of its rows that are positive; nil when the bin is empty.
  public let observedRate: Double?
}

/// Calibration bins over a whole split.
public struct CalibrationBins: Sendable, Equatable {
  public let bins: [CalibrationBin]

  /// `count` bins of width 1/count over [0, 1]: row i goes to bin
  /// min(⌊p_i·count⌋, count − 1) (predictions outside [0, 1] are clamped into
  /// the end bins). Empty bins are kept, with nil means.
  public static func equalWidth(probabilities: [Double], labels: [Bool], count: Int = 10) -> CalibrationBins {
    precondition(count > 0, "count must be positive")
    precondition(probabilities.count == labels.count, "probabilities.count ≠ labels.count")
    var rows = [Int](repeating: 0, count: count)
    var sums = [Double](repeating: 0, count: count)
    var positives = [Int](repeating: 0, count: count)
    for i in 0..<probabilities.count {
      let p = probabilities[i]
      let b = min(max(Int((p * Double(count)).rounded(.down)), 0), count - 1)
      rows[b] += 1
      sums[b] += p
      if labels[i] { positives[b] += 1 }
    }
    return CalibrationBins(bins: (0..<count).map { b in
      CalibrationBin(
        lower: Double(b) / Double(count), upper: Double(b + 1) / Double(count), count: rows[b],
        meanPrediction: rows[b] > 0 ? sums[b] / Double(rows[b]) : nil,
        observedRate: rows[b] > 0 ? Double(positives[b]) / Double(rows[b]) : nil)
    })
  }

  /// Rows sorted by prediction and cut into `count` consecutive bins of
  /// ⌊n/count⌋ or ⌈n/count⌉ rows (the first n mod count bins get one more).
  /// Equal predictions may straddle a cut: the cut is by position, so every
  /// bin has the promised size. With n < count the empty bins are dropped.
  public static func equalCount(probabilities: [Double], labels: [Bool], count: Int = 10) -> CalibrationBins {
    precondition(count > 0, "count must be positive")
    precondition(probabilities.count == labels.count, "probabilities.count ≠ labels.count")
    let order = ScoreOrder(scores: probabilities).rows
    let n = order.count
    var bins: [CalibrationBin] = []
    var start = 0
    for b in 0..<count {
      let size = n / count + (b < n % count ? 1 : 0)
      guard size > 0 else { continue }
      var sum = 0.0, positives = 0
      for k in start..<(start + size) {
        let i = Int(order[k])
        sum += probabilities[i]
        if labels[i] { positives += 1 }
      }
      bins.append(CalibrationBin(
        lower: probabilities[Int(order[start])], upper: probabilities[Int(order[start + size - 1])], count: size,
        meanPrediction: sum / Double(size), observedRate: Double(positives) / Double(size)))
      start += size
    }
    return CalibrationBins(bins: bins)
  }

  /// Expected calibration error: Σ_b (n_b / n)·|meanPrediction_b − observedRate_b|
  /// over non-empty bins; nil when every bin is empty.
  public var expectedCalibrationError: Double? {
    let n = bins.reduce(0) { $0 + $1.count }
    guard n > 0 else { return nil }
    var sum = 0.0
    for bin in bins where bin.count > 0 {
      sum += Double(bin.count) * abs(bin.meanPrediction! - bin.observedRate!)
    }
    return sum / Double(n)
  }
}
