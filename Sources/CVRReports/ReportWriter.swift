// Writes a run's report directory: the plots, metrics.json and report.md, each atomically.
import CVRCore
import CVRFileIO
import CVRMetrics
import Foundation

/// Writes report.md, metrics.json and the plot SVGs into one directory.
///
/// Plots are written first and report.md last, so a report never links a
/// plot that is not there yet; each file is replaced atomically (temporary,
/// fsync, rename), so a crash leaves old or new files, never half-written ones.
public struct ReportWriter: Sendable {
  /// Heading of report.md.
  public var title: String
  /// Digits after the point in report.md (metrics.json keeps full precision).
  public var decimals: Int

  public init(title: String = "Results", decimals: Int = 4) {
    precondition((0...12).contains(decimals), "decimals in 0...12")
    self.title = title
    self.decimals = decimals
  }

  /// The files written, in order.
  public struct Output: Sendable, Equatable {
    public var report: URL
    public var metrics: URL
    public var plots: [URL]
  }

  /// Creates `directory` if needed and writes the plots, metrics.json and report.md into it.
  /// Plot file names must be plain names (no "/"), distinct, and not the two fixed names.
  @discardableResult
  public func write(
    _ result: MultiSeedResult, config: JSONValue? = nil, plots: [ReportPlot] = [], to directory: URL
  ) throws -> Output {
    let names = plots.map(\.fileName)
    precondition(Set(names).count == names.count, "plot file names must be distinct")
    precondition(
      names.allSatisfy { !$0.isEmpty && !$0.contains("/") && $0 != "report.md" && $0 != "metrics.json" },
      "plot file names must be plain names other than report.md and metrics.json")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    var plotURLs: [URL] = []
    for plot in plots {
      let url = directory.appendingPathComponent(plot.fileName)
      try AtomicFile.write(Data(plot.svg.utf8), to: url)
      plotURLs.append(url)
    }
    let metricsURL = directory.appendingPathComponent("metrics.json")
    try MetricsDocument(result: result, config: config).write(to: metricsURL)
    let reportURL = directory.appendingPathComponent("report.md")
    let markdown = ReportMarkdown.render(result, title: title, decimals: decimals, plots: plots)
    try AtomicFile.write(Data(markdown.utf8), to: reportURL)
    return Output(report: reportURL, metrics: metricsURL, plots: plotURLs)
  }
}
