// A labelled heatmap of a matrix as SVG (e.g. cosine similarities between
// occasion prototypes, MetaCVR Fig. 2): coloured cells with their values,
// row/column labels, and a colour bar.
import CVRMetrics
import Foundation

/// Heatmap of a rows × columns matrix with a diverging blue–white–red scale.
public enum PlotHeatmap {
  /// SVG text. `values[i][j]` is row i, column j (every row the same length);
  /// labels name rows and columns. `range` maps to the colour scale's ends
  /// (default: the data's own [min, max], so values that differ get colours that
  /// differ: prototype cosines all in 0.98–1.00 would be one flat red on [−1, 1]).
  /// The legend states the range. Each cell shows its value with `decimals`
  /// digits (default: enough to tell a tenth of the range apart, 2 to 4); NaN
  /// cells are grey and show "NaN".
  public static func svg(
    _ values: [[Double]], rowLabels: [String], columnLabels: [String], title: String = "Heatmap",
    range: ClosedRange<Double>? = nil, decimals: Int? = nil, legendLabel: String = ""
  ) -> String {
    let rows = values.count
    let columns = values.first?.count ?? 0
    precondition(rows > 0 && columns > 0, "a non-empty matrix")
    precondition(values.allSatisfy { $0.count == columns }, "every row the same length")
    precondition(rowLabels.count == rows && columnLabels.count == columns, "one label per row and column")

    let finite = values.joined().filter(\.isFinite)
    let scale = range ?? defaultRange(finite)
    let decimals = decimals ?? defaultDecimals(scale)
    let legend = (legendLabel.isEmpty ? "" : legendLabel + ": ")
      + "scale \(ReportMarkdown.fixed(scale.lowerBound, decimals)) to \(ReportMarkdown.fixed(scale.upperBound, decimals))"

    // Layout: cells as large as fit in about 480 × 400 px, never tiny or huge.
    let cell = min(72, max(30, min(480 / Double(columns), 400 / Double(rows))))
    let labelSize = 12.0
    let rowLabelWidth = rowLabels.map { SVGFormat.estimatedWidth($0, size: labelSize) }.max() ?? 0
    let columnLabelWidth = columnLabels.map { SVGFormat.estimatedWidth($0, size: labelSize) }.max() ?? 0
    // Column labels turn 45° when any is wider than its cell.
    let rotated = columnLabelWidth > cell - 6
    let gridX = max(40, rowLabelWidth + 18)
    let gridY = 62.0
    let gridWidth = cell * Double(columns)
    let gridHeight = cell * Double(rows)
    let bottom = rotated ? columnLabelWidth * 0.71 + 14 : 30
    let barX = gridX + gridWidth + 24
    let colorBar = PlotScale(domain: scale, pixels: gridY...(gridY + gridHeight), flipped: true, targetTicks: 5)
    let barLabelWidth = colorBar.ticks.map { SVGFormat.estimatedWidth(colorBar.label($0), size: 11) }.max() ?? 30
    let titleWidth = SVGFormat.estimatedWidth(title, size: 16) + 40
    let legendWidth = SVGFormat.estimatedWidth(legend, size: 11)
    let width = max(barX + 16 + 10 + barLabelWidth + 16, titleWidth, barX + 8 + legendWidth / 2 + 12)
    let height = gridY + gridHeight + bottom + 12

    var svg = SVGDocument(width: width.rounded(.up), height: height.rounded(.up))
    svg.text(title, x: width / 2, y: 30, size: 16, anchor: "middle", weight: "bold")

    let cellFont = min(13, cell * 0.32)
    for i in 0..<rows {
      for j in 0..<columns {
        let value = values[i][j]
        let (fill, dark) = value.isFinite ? color(value, scale) : ("#cccccc", false)
        let x = gridX + cell * Double(j)
        let y = gridY + cell * Double(i)
        svg.rect(x: x, y: y, width: cell, height: cell, fill: fill, stroke: "white", extra: "class=\"cell\"")
        svg.text(
          ReportMarkdown.fixed(value, decimals), x: x + cell / 2, y: y + cell / 2 + cellFont * 0.35, size: cellFont,
          anchor: "middle", fill: dark ? "white" : "#222222")
      }
    }
    for (i, label) in rowLabels.enumerated() {
      svg.text(label, x: gridX - 8, y: gridY + cell * (Double(i) + 0.5) + 4, size: labelSize, anchor: "end")
    }
    for (j, label) in columnLabels.enumerated() {
      let x = gridX + cell * (Double(j) + 0.5)
      if rotated {
        svg.text(label, x: x + 4, y: gridY + gridHeight + 12, size: labelSize, anchor: "end", rotate: -45)
      } else {
        svg.text(label, x: x, y: gridY + gridHeight + 18, size: labelSize, anchor: "middle")
      }
    }

    // Colour bar: a gradient with the same three stops the cells use, so they match exactly.
    let low = color(scale.lowerBound, scale).fill
    let mid = color((scale.lowerBound + scale.upperBound) / 2, scale).fill
    let high = color(scale.upperBound, scale).fill
    svg.add(
      "<defs><linearGradient id=\"heat-scale\" x1=\"0\" y1=\"1\" x2=\"0\" y2=\"0\">"
        + "<stop offset=\"0\" stop-color=\"\(low)\"/><stop offset=\"0.5\" stop-color=\"\(mid)\"/>"
        + "<stop offset=\"1\" stop-color=\"\(high)\"/></linearGradient></defs>")
    svg.rect(
      x: barX, y: gridY, width: 16, height: gridHeight, fill: "url(#heat-scale)", stroke: "#888888",
      extra: "class=\"colorbar\"")
    for tick in colorBar.ticks {
      let y = colorBar(tick)
      svg.line(barX + 16, y, barX + 20, y, stroke: "#444444")
      svg.text(colorBar.label(tick), x: barX + 23, y: y + 4, size: 11)
    }
    svg.text(legend, x: barX + 8, y: gridY - 10, size: 11, anchor: "middle", fill: "#444444")
    return svg.rendered()
  }

  /// The data's [min, max]; one value v alone: [v − 0.5, v + 0.5]; no finite value: [−1, 1].
  static func defaultRange(_ finite: [Double]) -> ClosedRange<Double> {
    guard let low = finite.min(), let high = finite.max() else { return -1...1 }
    return low < high ? low...high : (low - 0.5)...(high + 0.5)
  }

  /// Digits that tell a tenth of the range apart: 2 for a range of 0.1 or more, up to 4.
  static func defaultDecimals(_ range: ClosedRange<Double>) -> Int {
    let span = range.upperBound - range.lowerBound
    guard span > 0, span.isFinite else { return 2 }
    return min(4, max(2, Int((-log10(span / 10)).rounded(.up))))
  }

  /// Cell colour ("#rrggbb") and whether it is dark enough for white text.
  /// Linear RGB interpolation low → mid → high ("coolwarm" end points), clamped to `range`.
  static func color(_ value: Double, _ range: ClosedRange<Double>) -> (fill: String, dark: Bool) {
    let span = range.upperBound - range.lowerBound
    let t = span > 0 ? min(1, max(0, (value - range.lowerBound) / span)) : 0.5
    let low = (59.0, 76.0, 192.0), mid = (242.0, 242.0, 242.0), high = (180.0, 4.0, 38.0)
    let (a, b, s) = t < 0.5 ? (low, mid, t * 2) : (mid, high, (t - 0.5) * 2)
    let r = a.0 + (b.0 - a.0) * s, g = a.1 + (b.1 - a.1) * s, bl = a.2 + (b.2 - a.2) * s
    let luminance = (0.299 * r + 0.587 * g + 0.114 * bl) / 255
    let hex = [r, g, bl].map { component -> String in
      let text = String(Int(component.rounded()), radix: 16)
      return text.count == 1 ? "0" + text : text
    }.joined()
    return ("#" + hex, luminance < 0.5)
  }
}
