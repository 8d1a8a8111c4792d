// SVG plots: valid XML, titles/axes/legends present, one heatmap cell per
// entry, byte-identical output, escaped text. Also writes the docs examples.
import CVRCore
import CVRIngest
import CVRMetrics
import CVRReports
import Foundation
import Testing

@testable import CVRReports

#if canImport(FoundationXML)
import FoundationXML
#endif

/// Parses SVG with Foundation's XMLParser, collecting element names, attributes and text.
final class SVGCollector: NSObject, XMLParserDelegate {
  var elements: [(name: String, attributes: [String: String])] = []
  var texts: [String] = []
  private var current = ""

  static func parse(_ svg: String) -> SVGCollector? {
    let collector = SVGCollector()
    let parser = XMLParser(data: Data(svg.utf8))
    parser.delegate = collector
    return parser.parse() ? collector : nil
  }

  func parser(
    _ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
    attributes: [String: String] = [:]
  ) {
    elements.append((name, attributes))
    current = ""
  }
  func parser(_ parser: XMLParser, foundCharacters string: String) { current += string }
  func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
    if name == "text" { texts.append(current) }
    current = ""
  }
}

/// Example data shared by the tests and the docs images.
enum PlotExamples {
  /// tpr = fpr^(1/k) has AUC k/(k+1).
  static func roc() -> String {
    let fpr = (0...50).map { Double($0) / 50 }
    let curves = [(3.0, "model A"), (4.0, "model B"), (5.0, "model C")].map { k, name in
      PlotSeries(
        name: "\(name) (AUC \(ReportMarkdown.fixed(k / (k + 1), 3)))", x: fpr, y: fpr.map { pow($0, 1 / k) })
    }
    return PlotROC.svg(curves, title: "ROC curves, test split")
  }

  static func calibration() -> String {
    let predicted = (0..<10).map { 0.005 + 0.01 * Double($0) }
    let counts = (0..<10).map { 20000 / (1 + 3 * $0) }
    return PlotCalibration.svg(
      [
        PlotCalibrationCurve(name: "model A", predicted: predicted, observed: predicted.map { $0 * 1.25 }, counts: counts),
        PlotCalibrationCurve(name: "model C", predicted: predicted, observed: predicted.map { $0 * 0.97 + 0.0008 }, counts: counts),
      ], title: "Calibration, test split")
  }

  static func loss() -> String {
    let epochs = (0...20).map(Double.init)
    return PlotLoss.svg(
      [
        PlotSeries(name: "model A train", x: epochs, y: epochs.map { 0.25 * exp(-$0 / 4) + 0.30 }, colorIndex: 0),
        PlotSeries(name: "model A validation", x: epochs, y: epochs.map { 0.22 * exp(-$0 / 5) + 0.33 + 0.002 * $0 }, dashed: true, colorIndex: 0),
        PlotSeries(name: "model C train", x: epochs, y: epochs.map { 0.24 * exp(-$0 / 3) + 0.28 }, colorIndex: 1),
        PlotSeries(name: "model C validation", x: epochs, y: epochs.map { 0.21 * exp(-$0 / 4) + 0.31 + 0.001 * $0 }, dashed: true, colorIndex: 1),
      ], title: "Training and validation loss")
  }

  static let occasions = ["Daily", "Double 11", "618 Festival", "Spring Festival", "Black Friday", "New Year"]
  static let similarities: [[Double]] = [
    [1.00, 0.12, 0.18, -0.05, 0.21, 0.33],
    [0.12, 1.00, 0.71, 0.08, 0.64, 0.27],
    [0.18, 0.71, 1.00, 0.02, 0.58, 0.22],
    [-0.05, 0.08, 0.02, 1.00, -0.12, 0.46],
    [0.21, 0.64, 0.58, -0.12, 1.00, 0.15],
    [0.33, 0.27, 0.22, 0.46, 0.15, 1.00],
  ]

  static func heatmap() -> String {
    PlotHeatmap.svg(
      similarities, rowLabels: occasions, columnLabels: occasions,
      title: "Cosine similarity between occasion prototypes", range: -1...1, legendLabel: "cosine")
  }
}

@Suite struct PlotTests {
  func parsed(_ svg: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> SVGCollector {
    try #require(SVGCollector.parse(svg), "not well-formed XML", sourceLocation: sourceLocation)
  }

  @Test func rocPlotHasTitleAxesLegendAndDiagonal() throws {
    let svg = try parsed(PlotExamples.roc())
    for text in ["ROC curves, test split", "False positive rate", "True positive rate", "model A (AUC 0.750)", "model C (AUC 0.833)"] {
      #expect(svg.texts.contains(text), "missing \(text)")
    }
    for tick in ["0.0", "0.2", "0.4", "0.6", "0.8", "1.0"] { #expect(svg.texts.filter { $0 == tick }.count == 2) }
    #expect(svg.elements.filter { $0.name == "polyline" }.count == 3)
    #expect(svg.elements.contains { $0.name == "line" && $0.attributes["stroke-dasharray"] == "4 4" })
    #expect(svg.elements.first?.attributes["width"] == "640")
  }

  @Test func calibrationPlotHasMarkersSizedByCount() throws {
    let svg = try parsed(PlotExamples.calibration())
    for text in ["Calibration, test split", "Mean predicted probability", "Observed positive rate", "model A", "model C"] {
      #expect(svg.texts.contains(text), "missing \(text)")
    }
    // 2 curves × 10 bins, plus one marker per legend entry.
    let circles = svg.elements.filter { $0.name == "circle" }
    #expect(circles.count == 22)
    let radii = Set(circles.compactMap { $0.attributes["r"] })
    #expect(radii.contains("9") && radii.count > 3)
  }

  @Test func lossPlotHasEverySeries() throws {
    let svg = try parsed(PlotExamples.loss())
    for text in ["Training and validation loss", "Epoch", "Loss", "model A train", "model A validation", "model C validation"] {
      #expect(svg.texts.contains(text), "missing \(text)")
    }
    let lines = svg.elements.filter { $0.name == "polyline" }
    #expect(lines.count == 4)
    #expect(lines.filter { $0.attributes["stroke-dasharray"] != nil }.count == 2)
  }

  /// Twenty-two series (a demo run's loss plot) would hide the curves under the
  /// legend: it goes beside the plot area, the image wider; four stay inside.
  @Test func aLegendThatWouldCoverThePlotGoesBesideIt() throws {
    let epochs = (0...10).map(Double.init)
    let many = (0..<22).map { PlotSeries(name: "model \($0) holdout of D, 1209 clicks", x: epochs, y: epochs.map { 0.3 + 0.01 * $0 }) }
    let svg = try parsed(PlotLoss.svg(many, width: 640, height: 480))
    let width = try #require(svg.elements.first { $0.name == "svg" }?.attributes["width"].flatMap(Double.init))
    #expect(width > 640)
    let plotRight = 640 - PlotLineChart.margin.right
    let legendBox = try #require(svg.elements.first { $0.name == "rect" && $0.attributes["fill-opacity"] == "0.9" })
    #expect(try #require(legendBox.attributes["x"].flatMap(Double.init)) >= plotRight)

    let few = try parsed(PlotExamples.loss())
    #expect(few.elements.first { $0.name == "svg" }?.attributes["width"] == "640")
  }

  @Test func heatmapHasOneCellPerEntryWithItsValue() throws {
    let values: [[Double]] = [[1, -0.25, 0.5], [0.126, .nan, -1]]
    let svg = try parsed(
      PlotHeatmap.svg(values, rowLabels: ["r0", "r1"], columnLabels: ["c0", "c1", "c2"], title: "H", range: -1...1))
    let cells = svg.elements.filter { $0.name == "rect" && $0.attributes["class"] == "cell" }
    #expect(cells.count == 6)
    for text in ["1.00", "-0.25", "0.50", "0.13", "NaN", "-1.00", "r0", "r1", "c0", "c2", "H"] {
      #expect(svg.texts.contains(text), "missing \(text)")
    }
    // Ends of the scale: low blue, high red, NaN grey, in row-major order.
    #expect(cells[0].attributes["fill"] == "#b40426")
    #expect(cells[4].attributes["fill"] == "#cccccc")
    #expect(cells[5].attributes["fill"] == "#3b4cc0")
    #expect(svg.elements.contains { $0.attributes["class"] == "colorbar" })
  }

  /// Prototype cosines are often all within 0.98–1.00: on a fixed [−1, 1] scale
  /// every cell was the same red. The default scale is the data's range.
  @Test func heatmapOfCloseValuesHasDistinctColoursAndStatesItsRange() throws {
    let values: [[Double]] = [[1.0, 0.985, 0.992], [0.985, 1.0, 0.981], [0.992, 0.981, 1.0]]
    let svg = try parsed(PlotHeatmap.svg(values, rowLabels: ["a", "b", "c"], columnLabels: ["a", "b", "c"],
                                         legendLabel: "cosine"))
    let fills = svg.elements.filter { $0.attributes["class"] == "cell" }.compactMap { $0.attributes["fill"] }
    #expect(fills.count == 9)
    #expect(Set(fills).count == 4, "one colour per distinct value: \(Set(fills))")
    #expect(svg.texts.contains("cosine: scale 0.981 to 1.000"))
    #expect(svg.texts.contains("0.985") && svg.texts.contains("0.992"))
  }

  @Test func heatmapExampleCellsMatchMatrix() throws {
    let svg = try parsed(PlotExamples.heatmap())
    #expect(svg.elements.filter { $0.attributes["class"] == "cell" }.count == 36)
    for label in PlotExamples.occasions { #expect(svg.texts.filter { $0 == label }.count == 2) }
    #expect(svg.texts.filter { $0 == "0.71" }.count == 2)
  }

  @Test func outputIsDeterministic() {
    #expect(PlotExamples.roc() == PlotExamples.roc())
    #expect(PlotExamples.calibration() == PlotExamples.calibration())
    #expect(PlotExamples.loss() == PlotExamples.loss())
    #expect(PlotExamples.heatmap() == PlotExamples.heatmap())
  }

  @Test func textIsEscaped() throws {
    let nasty = "A < B & \"C\" 'd' > e"
    let curves = [PlotSeries(name: nasty, x: [0, 1], y: [0, 1])]
    for raw in [
      PlotROC.svg(curves, title: nasty), PlotLoss.svg(curves, title: nasty, xLabel: nasty),
      PlotCalibration.svg([PlotCalibrationCurve(name: nasty, predicted: [0.1], observed: [0.2])], title: nasty),
      PlotHeatmap.svg([[0.5]], rowLabels: [nasty], columnLabels: [nasty], title: nasty),
    ] {
      let svg = try parsed(raw)
      #expect(svg.texts.contains(nasty))
      #expect(!raw.contains(nasty))
    }
    #expect(SVGFormat.escape("<&>\"'") == "&lt;&amp;&gt;&quot;&apos;")
  }

  @Test func numberFormatting() {
    #expect(SVGFormat.number(12) == "12")
    #expect(SVGFormat.number(12.5) == "12.5")
    #expect(SVGFormat.number(12.254) == "12.25")
    #expect(SVGFormat.number(0.05) == "0.05")
    #expect(SVGFormat.number(-0.001) == "0")
    #expect(SVGFormat.number(-3.1) == "-3.1")
  }

  @Test func niceTicks() {
    let unit = PlotScale(domain: 0...1, pixels: 0...100, flipped: false)
    #expect(unit.ticks.map { unit.label($0) } == ["0.0", "0.2", "0.4", "0.6", "0.8", "1.0"])
    #expect(unit(0.25) == 25)
    let flipped = PlotScale(domain: 0...1, pixels: 0...100, flipped: true)
    #expect(flipped(0.25) == 75)
    #expect(PlotScale.niceStep(0.13) == 0.2)
    #expect(PlotScale.niceStep(3) == 5)
    let padded = PlotScale.paddedDomain([0.3, 0.55])
    #expect(padded.lowerBound <= 0.3 && padded.upperBound >= 0.55)
    #expect(abs(padded.lowerBound - 0.2) < 1e-12 && abs(padded.upperBound - 0.6) < 1e-12)
  }

  /// With CVR_PLOT_EXAMPLES=<directory>, writes the example SVGs there (how
  /// docs/images is regenerated); otherwise only checks they render.
  @Test func writeExamples() throws {
    let examples = [
      ("roc.svg", PlotExamples.roc()), ("calibration.svg", PlotExamples.calibration()),
      ("loss.svg", PlotExamples.loss()), ("heatmap.svg", PlotExamples.heatmap()),
    ]
    for (_, svg) in examples { _ = try parsed(svg) }
    guard let path = ProcessInfo.processInfo.environment["CVR_PLOT_EXAMPLES"] else { return }
    let directory = URL(fileURLWithPath: path)
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    let result = try ReportTests.sampleResult()
    try ReportWriter(title: "Example report").write(
      result, config: .object(["epochs": .integer(20)]),
      plots: examples.map { ReportPlot(fileName: $0.0, caption: $0.0, svg: $0.1) }, to: directory)
  }
}
