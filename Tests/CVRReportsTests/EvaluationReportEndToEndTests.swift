// The two halves of CVRMetrics together: metrics computed on simulated scores
// over three seeds, summarised, and written as report.md, metrics.json and
// plots, whose numbers are the computed ones.
import CVRCore
import CVRIngest
import CVRMetrics
import CVRReports
import CVRTestSupport
import Foundation
import Testing

/// Scores of a model whose quality grows with `signal`: labels Bernoulli(0.3),
/// score = σ(signal·(2y − 1) + noise).
private func simulate(signal: Double, seed: UInt64, rows: Int = 2000) -> (scores: [Double], labels: [Bool]) {
  var rng = SeededGenerator(seed: seed)
  var scores: [Double] = [], labels: [Bool] = []
  for _ in 0..<rows {
    let y = rng.nextUnitFloat() < 0.3
    let z = signal * (y ? 1 : -1) + Double(rng.nextNormal())
    scores.append(1 / (1 + Foundation.exp(-z)))
    labels.append(y)
  }
  return (scores, labels)
}

@Test func multiSeedReportHoldsTheComputedMetrics() throws {
  let models = [("weak", 0.3), ("strong", 1.0)]
  var computed: [String: [Double]] = [:]
  var lastROC: [PlotSeries] = []
  let result = try MultiSeedRunner(count: 3).run { seed in
    var metrics = SeedMetrics()
    lastROC = []
    for (name, signal) in models {
      let (scores, labels) = simulate(signal: signal, seed: seed)
      let auc = try #require(AUC.compute(scores: scores, labels: labels))
      let logloss = try #require(LogLoss.fromProbabilities(scores, labels: labels))
      metrics.set(model: name, metric: "auc", value: auc)
      metrics.set(model: name, metric: "logloss", value: logloss)
      computed[name, default: []].append(auc)
      let roc = ROCCurve.points(scores: scores, labels: labels)
      lastROC.append(PlotSeries(name: "\(name) (AUC \(ReportMarkdown.fixed(auc, 3)))", x: roc.fpr, y: roc.tpr))
    }
    return metrics
  }
  #expect(result.models.map(\.name) == ["weak", "strong"])
  let strong = try #require(result["strong", "auc"]), weak = try #require(result["weak", "auc"])
  #expect(strong.values == computed["strong"] && weak.values == computed["weak"])
  #expect(strong.mean > weak.mean + 0.1, "the stronger signal ranks better: \(strong.mean) vs \(weak.mean)")

  let directory = try scratchDirectory()
  let plot = ReportPlot(fileName: "roc.svg", caption: "ROC, last seed", svg: PlotROC.svg(lastROC, title: "ROC"))
  let output = try ReportWriter(title: "Simulated").write(result, plots: [plot], to: directory)
  let document = try MetricsDocument.read(from: output.metrics)
  #expect(document.result["strong", "auc"]?.values == computed["strong"])
  let markdown = try String(contentsOf: output.report, encoding: .utf8)
  #expect(markdown.contains(ReportMarkdown.fixed(strong.mean, 4)))
  #expect(markdown.contains("roc.svg"))
  #expect(try entries(of: directory) == ["metrics.json", "report.md", "roc.svg"])
}
