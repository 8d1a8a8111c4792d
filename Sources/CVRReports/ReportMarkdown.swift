// report.md: the human-readable result — a models × metrics table of
// "mean ± std", the per-seed values, and the plots.
import CVRMetrics
import Foundation

/// A plot that goes with a report: its file name in the output directory, a
/// caption, and the SVG text.
public struct ReportPlot: Sendable, Equatable {
  public var fileName: String
  public var caption: String
  public var svg: String
  public init(fileName: String, caption: String, svg: String) {
    self.fileName = fileName
    self.caption = caption
    self.svg = svg
  }
}

/// Renders report.md. Every number in it comes from the same `MultiSeedResult`
/// that metrics.json holds (rounded to `decimals`), and the prose holds no
/// other numbers, so the two files can be checked against each other.
public enum ReportMarkdown {
  /// The Markdown text: title, summary table, per-seed table, plot images.
  public static func render(
    _ result: MultiSeedResult, title: String = "Results", decimals: Int = 4, plots: [ReportPlot] = []
  ) -> String {
    let metrics = result.metricNames
    let seedList = result.seeds.map(String.init).joined(separator: ", ")
    var lines: [String] = ["# \(cell(title))", ""]
    lines.append("Mean ± sample standard deviation over seeds \(seedList). Full precision: `metrics.json`.")
    lines.append("")
    lines.append(row(["Model"] + metrics.map(cell)))
    lines.append(row(["---"] + metrics.map { _ in "---:" }))
    for model in result.models {
      let cells = metrics.map { name in
        model[name].map { "\(fixed($0.mean, decimals)) ± \(fixed($0.std, decimals))" } ?? "—"
      }
      lines.append(row([cell(model.name)] + cells))
    }
    lines += ["", "## Per-seed values", ""]
    lines.append(row(["Model", "Metric"] + result.seeds.map { "seed \($0)" }))
    lines.append(row(["---", "---"] + result.seeds.map { _ in "---:" }))
    for model in result.models {
      for metric in model.metrics {
        lines.append(row([cell(model.name), cell(metric.name)] + metric.summary.values.map { fixed($0, decimals) }))
      }
    }
    if !plots.isEmpty {
      lines += ["", "## Plots", ""]
      for plot in plots {
        lines.append("![\(cell(plot.caption))](\(plot.fileName))")
        lines.append("")
      }
      lines.removeLast()
    }
    return lines.joined(separator: "\n") + "\n"
  }

  /// `value` with exactly `decimals` digits after the point (C locale), "NaN"
  /// or "±inf" when not finite; a negative value that rounds to zero shows as
  /// zero without its sign.
  public static func fixed(_ value: Double, _ decimals: Int) -> String {
    if value.isNaN { return "NaN" }
    if value.isInfinite { return value > 0 ? "inf" : "-inf" }
    let text = String(format: "%.\(decimals)f", value)
    if text.hasPrefix("-"), text.dropFirst().allSatisfy({ $0 == "0" || $0 == "." }) { return String(text.dropFirst()) }
    return text
  }

  private static func row(_ cells: [String]) -> String { "| " + cells.joined(separator: " | ") + " |" }

  /// Table-cell text: a pipe would end the cell, a newline the row.
  private static func cell(_ text: String) -> String {
    text.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ")
  }
}
