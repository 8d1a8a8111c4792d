// The shared x–y chart behind the ROC, calibration and loss plots: frame, grid,
// ticks, axis labels, title, clipped series, optional diagonal, legend in a corner
// (or beside the plot when it would cover the curves).
import CVRMetrics

/// One named line of a plot: plain arrays of Doubles (same length), so any
/// metric code can feed it without depending on this module's other types.
public struct PlotSeries: Sendable, Equatable {
  public var name: String
  public var x: [Double]
  public var y: [Double]
  /// Dashed line (e.g. validation loss next to a solid training loss).
  public var dashed: Bool
  /// Palette colour; nil takes the series' position. Give a train/validation
  /// pair the same index so they read as one model.
  public var colorIndex: Int?

  public init(name: String, x: [Double], y: [Double], dashed: Bool = false, colorIndex: Int? = nil) {
    precondition(x.count == y.count, "x and y must have the same length")
    self.name = name
    self.x = x
    self.y = y
    self.dashed = dashed
    self.colorIndex = colorIndex
  }
}

/// Where the legend box sits inside the plot area.
public enum PlotLegendCorner: Sendable {
  case topLeft, topRight, bottomLeft, bottomRight
}

/// Layout and drawing of one x–y chart (internal).
struct PlotLineChart {
  var width: Double
  var height: Double
  var title: String
  var xLabel: String
  var yLabel: String
  var xDomain: ClosedRange<Double>
  var yDomain: ClosedRange<Double>
  var series: [PlotSeries]
  var diagonal = false
  var legendCorner = PlotLegendCorner.topRight
  /// Per series, per point, a marker radius (nil: no markers for that series).
  var markerRadii: [[Double]?] = []
  /// A grey line under the legend entries (e.g. what marker size means).
  var legendNote: String? = nil

  static let margin = (left: 72.0, right: 24.0, top: 48.0, bottom: 60.0)

  /// A legend taller than this share of the plot area goes beside the plot
  /// (the image grows to the right) instead of covering the curves.
  static let largestInsideLegend = 0.45

  /// The legend box's size for these series.
  private var legendSize: (width: Double, height: Double) {
    let textWidths = series.map { SVGFormat.estimatedWidth($0.name, size: 12) }
      + [legendNote.map { SVGFormat.estimatedWidth($0, size: 11) - 30 } ?? 0]
    let rows = Double(series.count) + (legendNote == nil ? 0 : 1)
    return (46 + (textWidths.max() ?? 0), rows * 20 + 10)
  }

  func rendered() -> String {
    let m = Self.margin
    let legend = legendSize
    let outside = !series.isEmpty && legend.height > (height - m.top - m.bottom) * Self.largestInsideLegend
    var svg = SVGDocument(width: outside ? width + legend.width + 10 : width,
                          height: outside ? max(height, m.top + legend.height + 10) : height)
    let x = PlotScale(domain: xDomain, pixels: m.left...(width - m.right), flipped: false)
    let y = PlotScale(domain: yDomain, pixels: m.top...(height - m.bottom), flipped: true)
    let plotWidth = width - m.left - m.right
    let plotHeight = height - m.top - m.bottom

    svg.add(
      "<defs><clipPath id=\"plot-area\"><rect x=\"\(SVGFormat.number(m.left))\" y=\"\(SVGFormat.number(m.top))\""
        + " width=\"\(SVGFormat.number(plotWidth))\" height=\"\(SVGFormat.number(plotHeight))\"/></clipPath></defs>")
    svg.text(title, x: width / 2, y: 28, size: 16, anchor: "middle", weight: "bold")

    // Grid and ticks.
    for tick in x.ticks {
      let px = x(tick)
      svg.line(px, m.top, px, height - m.bottom, stroke: "#e6e6e6")
      svg.line(px, height - m.bottom, px, height - m.bottom + 5, stroke: "#444444")
      svg.text(x.label(tick), x: px, y: height - m.bottom + 19, size: 12, anchor: "middle")
    }
    for tick in y.ticks {
      let py = y(tick)
      svg.line(m.left, py, width - m.right, py, stroke: "#e6e6e6")
      svg.line(m.left - 5, py, m.left, py, stroke: "#444444")
      svg.text(y.label(tick), x: m.left - 8, y: py + 4, size: 12, anchor: "end")
    }
    svg.rect(x: m.left, y: m.top, width: plotWidth, height: plotHeight, fill: "none", stroke: "#444444")
    svg.text(xLabel, x: m.left + plotWidth / 2, y: height - 16, size: 13, anchor: "middle")
    svg.text(yLabel, x: 20, y: m.top + plotHeight / 2, size: 13, anchor: "middle", rotate: -90)

    if diagonal {
      let low = max(xDomain.lowerBound, yDomain.lowerBound)
      let high = min(xDomain.upperBound, yDomain.upperBound)
      if high > low { svg.line(x(low), y(low), x(high), y(high), stroke: "#999999", width: 1, dash: "4 4") }
    }

    for (index, series) in series.enumerated() {
      let color = PlotPalette.color(series.colorIndex ?? index)
      let points = zip(series.x, series.y).filter { $0.0.isFinite && $0.1.isFinite }.map { (x($0.0), y($0.1)) }
      if points.count > 1 {
        svg.polyline(
          points, stroke: color, width: 2, dash: series.dashed ? "7 4" : nil, extra: "clip-path=\"url(#plot-area)\"")
      }
      if index < markerRadii.count, let radii = markerRadii[index] {
        for (point, radius) in zip(zip(series.x, series.y), radii) where point.0.isFinite && point.1.isFinite {
          svg.circle(cx: x(point.0), cy: y(point.1), r: radius, fill: color, extra: "clip-path=\"url(#plot-area)\"")
        }
      }
    }
    drawLegend(into: &svg, plot: (m.left, m.top, plotWidth, plotHeight), outside: outside)
    return svg.rendered()
  }

  private func drawLegend(into svg: inout SVGDocument, plot: (x: Double, y: Double, width: Double, height: Double),
                          outside: Bool) {
    guard !series.isEmpty else { return }
    let rowHeight = 20.0
    let size = legendSize
    let boxWidth = outside ? size.width : min(plot.width - 20, size.width)
    let boxHeight = size.height
    let inset = 10.0
    let left = legendCorner == .topLeft || legendCorner == .bottomLeft
    let top = legendCorner == .topLeft || legendCorner == .topRight
    let boxX = outside ? width - Self.margin.right + inset
      : left ? plot.x + inset : plot.x + plot.width - inset - boxWidth
    let boxY = outside ? plot.y : top ? plot.y + inset : plot.y + plot.height - inset - boxHeight
    svg.rect(
      x: boxX, y: boxY, width: boxWidth, height: boxHeight, fill: "white", stroke: "#bbbbbb",
      extra: "fill-opacity=\"0.9\"")
    for (index, entry) in series.enumerated() {
      let color = PlotPalette.color(entry.colorIndex ?? index)
      let rowY = boxY + 5 + rowHeight * (Double(index) + 0.5)
      svg.line(boxX + 8, rowY, boxX + 34, rowY, stroke: color, width: 2.5, dash: entry.dashed ? "7 4" : nil)
      if index < markerRadii.count, markerRadii[index] != nil { svg.circle(cx: boxX + 21, cy: rowY, r: 3.5, fill: color) }
      svg.text(entry.name, x: boxX + 40, y: rowY + 4, size: 12)
    }
    if let legendNote {
      let rowY = boxY + 5 + rowHeight * (Double(series.count) + 0.5)
      svg.text(legendNote, x: boxX + 10, y: rowY + 4, size: 11, fill: "#666666", style: "italic")
    }
  }
}
