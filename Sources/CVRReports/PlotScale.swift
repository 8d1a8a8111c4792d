// Axis scales for plots: "nice" tick steps (1, 2 or 5 × 10ᵏ), padded data
// domains, fixed tick-label decimals, and the colour palette.
import CVRMetrics
import Foundation

/// A linear map from a data domain to a pixel range, with its ticks.
struct PlotScale {
  let domain: ClosedRange<Double>
  let pixels: ClosedRange<Double>
  /// Whether larger values map to smaller pixels (the y axis).
  let flipped: Bool
  let ticks: [Double]
  /// Decimals every tick label uses, so labels line up ("0.0", "0.2", … not "0", "0.2").
  let decimals: Int

  /// A scale over `domain` with about `targetTicks` nice ticks inside it.
  init(domain: ClosedRange<Double>, pixels: ClosedRange<Double>, flipped: Bool, targetTicks: Int = 6) {
    let span = domain.upperBound - domain.lowerBound
    let safe = span > 0 ? domain : (domain.lowerBound - 0.5)...(domain.upperBound + 0.5)
    self.domain = safe
    self.pixels = pixels
    self.flipped = flipped
    let step = Self.niceStep((safe.upperBound - safe.lowerBound) / Double(targetTicks - 1))
    var ticks: [Double] = []
    var k = (safe.lowerBound / step).rounded(.up)
    while k * step <= safe.upperBound + step * 1e-9 {
      ticks.append(k * step)
      k += 1
    }
    self.ticks = ticks
    self.decimals = max(0, Int(-(log10(step) + 1e-9).rounded(.down)))
  }

  /// The pixel position of `value`.
  func callAsFunction(_ value: Double) -> Double {
    let t = (value - domain.lowerBound) / (domain.upperBound - domain.lowerBound)
    let span = pixels.upperBound - pixels.lowerBound
    return flipped ? pixels.upperBound - t * span : pixels.lowerBound + t * span
  }

  /// A tick label: fixed decimals, no "-0".
  func label(_ value: Double) -> String { ReportMarkdown.fixed(value, decimals) }

  /// The smallest of 1, 2, 5 × 10ᵏ that is ≥ `raw`.
  static func niceStep(_ raw: Double) -> Double {
    guard raw > 0, raw.isFinite else { return 1 }
    let power = pow(10, (log10(raw)).rounded(.down))
    for multiple in [1.0, 2, 5, 10] where multiple * power >= raw * (1 - 1e-9) { return multiple * power }
    return 10 * power
  }

  /// The finite values' range padded by 5 % each side and widened to whole
  /// nice steps, so the curves never touch the frame; (0...1) when empty.
  static func paddedDomain(_ values: [Double], targetTicks: Int = 6) -> ClosedRange<Double> {
    let finite = values.filter(\.isFinite)
    guard let low = finite.min(), let high = finite.max() else { return 0...1 }
    let span = high > low ? high - low : max(abs(high), 1) * 0.1
    let padded = (low - 0.05 * span)...(high + 0.05 * span)
    let step = niceStep((padded.upperBound - padded.lowerBound) / Double(targetTicks - 1))
    return ((padded.lowerBound / step).rounded(.down) * step)...((padded.upperBound / step).rounded(.up) * step)
  }
}

/// Series colours: the Tableau 10 palette, distinguishable and colour-blind tolerant.
enum PlotPalette {
  static let colors = [
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf",
  ]
  static func color(_ index: Int) -> String { colors[index % colors.count] }
}
