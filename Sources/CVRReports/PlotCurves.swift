// ROC, calibration and loss plots as SVG text, from plain arrays of Doubles.
import CVRMetrics

/// ROC curves: true-positive rate against false-positive rate on [0, 1]², with
/// the chance diagonal. Put a model's AUC in its series name if wanted.
public enum PlotROC {
  /// SVG text; each series has x = FPR and y = TPR (sorted by FPR, both in [0, 1]).
  public static func svg(
    _ curves: [PlotSeries], title: String = "ROC curves", width: Double = 640, height: Double = 480
  ) -> String {
    PlotLineChart(
      width: width, height: height, title: title, xLabel: "False positive rate", yLabel: "True positive rate",
      xDomain: 0...1, yDomain: 0...1, series: curves, diagonal: true, legendCorner: .bottomRight
    ).rendered()
  }
}

/// One model's calibration: per bin, the mean predicted probability, the
/// observed positive rate, and optionally how many examples fell in the bin.
public struct PlotCalibrationCurve: Sendable, Equatable {
  public var name: String
  public var predicted: [Double]
  public var observed: [Double]
  public var counts: [Int]?

  public init(name: String, predicted: [Double], observed: [Double], counts: [Int]? = nil) {
    precondition(predicted.count == observed.count, "one observed rate per bin")
    precondition(counts.map { $0.count == predicted.count } ?? true, "one count per bin")
    self.name = name
    self.predicted = predicted
    self.observed = observed
    self.counts = counts
  }
}

/// Calibration (reliability) curves: observed rate against mean prediction,
/// with the diagonal of perfect calibration. Both axes share one domain so the
/// diagonal is at 45°; CVR predictions are small, so by default the domain is
/// 0 to just above the largest value rather than [0, 1].
public enum PlotCalibration {
  /// SVG text. With counts, marker area is proportional to the bin's count
  /// (radius 2.5…9 px, scaled to the largest bin over all curves).
  public static func svg(
    _ curves: [PlotCalibrationCurve], title: String = "Calibration", domain: ClosedRange<Double>? = nil,
    width: Double = 640, height: Double = 480
  ) -> String {
    let all = curves.flatMap { $0.predicted + $0.observed }.filter(\.isFinite)
    let top = min(1, PlotScale.paddedDomain([0] + all).upperBound)
    let axis = domain ?? 0...(top > 0 ? top : 1)
    let largest = Double(curves.compactMap { $0.counts?.max() }.max() ?? 0)
    let radii: [[Double]?] = curves.map { curve in
      guard let counts = curve.counts, largest > 0 else { return Array(repeating: 3.5, count: curve.predicted.count) }
      return counts.map { 2.5 + 6.5 * (Double(max($0, 0)) / largest).squareRoot() }
    }
    let hasCounts = curves.contains { $0.counts != nil }
    return PlotLineChart(
      width: width, height: height, title: title, xLabel: "Mean predicted probability",
      yLabel: "Observed positive rate", xDomain: axis, yDomain: axis,
      series: curves.map { PlotSeries(name: $0.name, x: $0.predicted, y: $0.observed) }, diagonal: true,
      legendCorner: .topLeft, markerRadii: radii, legendNote: hasCounts ? "marker area ∝ examples in bin" : nil
    ).rendered()
  }
}

/// Loss curves: loss against step or epoch for several series (e.g. each
/// model's training loss solid and validation loss dashed, same colour).
public enum PlotLoss {
  /// SVG text; the y domain covers every finite value with a small margin. The x
  /// domain is `xDomain` when given (e.g. 0…0.1 for propensity floors), else from the
  /// least x to the largest, at least one unit wide (epochs).
  public static func svg(
    _ series: [PlotSeries], title: String = "Loss", xLabel: String = "Epoch", yLabel: String = "Loss",
    width: Double = 640, height: Double = 480, xDomain: ClosedRange<Double>? = nil
  ) -> String {
    let xs = series.flatMap(\.x).filter(\.isFinite)
    let xDomain = xDomain ?? (xs.min() ?? 0)...max(xs.max() ?? 1, (xs.min() ?? 0) + 1)
    return PlotLineChart(
      width: width, height: height, title: title, xLabel: xLabel, yLabel: yLabel, xDomain: xDomain,
      yDomain: PlotScale.paddedDomain(series.flatMap(\.y)), series: series, legendCorner: .topRight
    ).rendered()
  }
}
