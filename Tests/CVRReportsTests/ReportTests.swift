// metrics.json shape and round-trip, and report.md numbers checked against metrics.json.
import CVRCore
import CVRIngest
import CVRMetrics
import CVRReports
import Foundation
import Testing

@Suite struct ReportTests {
  /// Two models, three metrics, three seeds; names in non-sorted order, no digits in names.
  static func sampleResult() throws -> MultiSeedResult {
    let values: [UInt64: [Double]] = [
      11: [0.8395, 0.4123, 0.7012, 0.8412, 0.4001, 0.7123],
      12: [0.8378, 0.4156, 0.6987, 0.8433, 0.3987, 0.7150],
      13: [0.8411, 0.4099, 0.7055, 0.8420, 0.4019, 0.7101],
    ]
    return try MultiSeedRunner(seeds: [11, 12, 13]).run { seed in
      let v = values[seed]!
      return ["MLP": ["auc": v[0], "logloss": v[1], "gauc": v[2]], "MetaCVR": ["auc": v[3], "logloss": v[4], "gauc": v[5]]]
    }
  }

  static func temporaryDirectory() -> URL {
    FileManager.default.temporaryDirectory.appendingPathComponent("cvr-report-\(UUID().uuidString)")
  }

  @Test func metricsJSONRoundTrips() throws {
    let directory = Self.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    let config: JSONValue = .object(["epochs": .integer(3), "optimizer": .string("adam \"β\" <x>"), "lr": .double(1e-3)])
    let document = MetricsDocument(result: try Self.sampleResult(), config: config)
    let url = directory.appendingPathComponent("metrics.json")
    try document.write(to: url)
    let back = try MetricsDocument.read(from: url)
    #expect(back == document)
    #expect(back.result.models.map(\.name) == ["MLP", "MetaCVR"])
    #expect(back.result.models[0].metrics.map(\.name) == ["auc", "logloss", "gauc"])
    #expect(back.result["MetaCVR", "gauc"]?.values == document.result["MetaCVR", "gauc"]?.values)
    // Same document, same bytes.
    let first = try Data(contentsOf: url)
    try back.write(to: url)
    #expect(try Data(contentsOf: url) == first)
  }

  @Test func nonFiniteValuesRoundTripAsNull() throws {
    let result = try MultiSeedRunner(count: 2).run { seed in ["m": ["auc": seed == 1 ? .nan : 0.5]] }
    let text = MetricsDocument(result: result).rendered()
    #expect(text.contains("null"))
    let back = try MetricsDocument(json: JSONValue.parse(text))
    #expect(back.result["m", "auc"]?.values[0].isNaN == true)
    #expect(back == MetricsDocument(result: result))
  }

  /// Decoded with plain JSONSerialization: exactly models/seeds/config at the
  /// top, exactly mean/std/values under each metric.
  @Test func metricsJSONHasTheFixedShape() throws {
    let result = try Self.sampleResult()
    let data = Data(MetricsDocument(result: result, config: .object(["k": .integer(1)])).rendered().utf8)
    let top = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    #expect(Set(top.keys) == ["models", "seeds", "config"])
    #expect((top["seeds"] as? [NSNumber])?.map(\.uint64Value) == [11, 12, 13])
    let models = try #require(top["models"] as? [String: Any])
    #expect(Set(models.keys) == ["MLP", "MetaCVR"])
    for (name, value) in models {
      let metrics = try #require(value as? [String: Any])
      #expect(Set(metrics.keys) == ["auc", "logloss", "gauc"])
      for (metric, summaryValue) in metrics {
        let summary = try #require(summaryValue as? [String: Any])
        #expect(Set(summary.keys) == ["mean", "std", "values"])
        let expected = try #require(result[name, metric])
        // corelibs' JSONSerialization may miss the last bit of a Double (JSONValue.parse is exact; see the round-trip test).
        func close(_ a: Double?, _ b: Double) -> Bool { a.map { abs($0 - b) <= 1e-15 * max(1, abs(b)) } ?? false }
        #expect(close((summary["mean"] as? NSNumber)?.doubleValue, expected.mean))
        #expect(close((summary["std"] as? NSNumber)?.doubleValue, expected.std))
        let values = (summary["values"] as? [NSNumber])?.map(\.doubleValue) ?? []
        #expect(values.count == expected.values.count && zip(values, expected.values).allSatisfy { close($0, $1) })
      }
    }
    // No config given: no config key.
    let bare = Data(MetricsDocument(result: result).rendered().utf8)
    #expect(Set((try JSONSerialization.jsonObject(with: bare) as? [String: Any])?.keys ?? [:].keys) == ["models", "seeds"])
  }

  @Test func codableDecodesTheSameContent() throws {
    let document = MetricsDocument(result: try Self.sampleResult())
    let decoded = try JSONDecoder().decode(MetricsDocument.self, from: Data(document.rendered().utf8))
    // JSONDecoder does not keep key order, so compare after sorting names.
    for model in document.result.models {
      for metric in model.metrics { #expect(decoded.result[model.name, metric.name] == metric.summary) }
    }
    #expect(decoded.result.models.map(\.name) == ["MLP", "MetaCVR"].sorted())
  }

  @Test func malformedJSONIsRejected() {
    #expect(throws: JSONSyntaxError.self) { try JSONValue.parse("{\"models\": {") }
    #expect(throws: MetricsDocumentError.self) {
      try MetricsDocument(json: JSONValue.parse("{\"models\": {\"m\": {\"auc\": {\"mean\": 1, \"std\": 0, \"values\": [1, 2]}}}, \"seeds\": [1]}"))
    }
  }

  @Test func fixedFormatting() {
    #expect(ReportMarkdown.fixed(0.83951, 4) == "0.8395")
    #expect(ReportMarkdown.fixed(-0.00001, 4) == "0.0000")
    #expect(ReportMarkdown.fixed(.nan, 4) == "NaN")
    #expect(ReportMarkdown.fixed(2, 2) == "2.00")
  }

  /// Every number report.md shows is a seed or, within half a unit of the last
  /// displayed decimal, a number in metrics.json.
  @Test func everyNumberInTheReportIsInMetricsJSON() throws {
    let directory = Self.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let plot = ReportPlot(fileName: "roc.svg", caption: "ROC curves", svg: "<svg xmlns=\"http://www.w3.org/2000/svg\"/>")
    let output = try ReportWriter(title: "MetaCVR versus MLP", decimals: 4)
      .write(try Self.sampleResult(), plots: [plot], to: directory)
    let markdown = try String(contentsOf: output.report, encoding: .utf8)
    let json = try JSONValue.parse(Array(try Data(contentsOf: output.metrics)))

    var jsonNumbers: [Double] = []
    func collect(_ value: JSONValue) {
      switch value {
      case let .number(number): jsonNumbers.append(number.double)
      case let .array(items): items.forEach(collect)
      case let .object(members): members.forEach { collect($0.value) }
      default: break
      }
    }
    collect(json)

    let numberPattern = try NSRegularExpression(pattern: "-?[0-9]+(\\.[0-9]+)?")
    var checked = 0
    var decimalsShown = 0
    for line in markdown.split(separator: "\n") where !line.hasPrefix("![") {
      let text = String(line)
      for match in numberPattern.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
        let token = String(text[Range(match.range, in: text)!])
        let shown = Double(token)!
        let decimals = token.split(separator: ".").dropFirst().first?.count ?? 0
        let tolerance = decimals == 0 ? 0 : 0.5 * pow(10, -Double(decimals)) + 1e-12
        #expect(jsonNumbers.contains { abs($0 - shown) <= tolerance }, "\(token) in report.md is not in metrics.json")
        checked += 1
        if decimals == 4 { decimalsShown += 1 }
      }
    }
    // 2 models × 3 metrics × (mean, std) + 2 × 3 × 3 per-seed values, plus the seeds.
    #expect(decimalsShown == 12 + 18)
    #expect(checked >= 30 + 3)
    #expect(markdown.contains("| MLP | 0.8395 ± 0.0017 |"))
    // And by position: each "mean ± std" cell is its own model's and metric's summary.
    let lines = markdown.split(separator: "\n").map(String.init)
    let header = try #require(lines.first { $0.hasPrefix("| Model | auc") })
    let metricNames = header.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }.dropFirst()
    var cellsChecked = 0
    for line in lines where line.contains(" ± ") && line.hasPrefix("|") {
      let cells = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
      for (metric, cell) in zip(metricNames, cells.dropFirst()) {
        let parts = cell.components(separatedBy: " ± ").compactMap(Double.init)
        let summary = try #require(json["models"]?[cells[0]]?[metric])
        #expect(abs(parts[0] - summary["mean"]!.doubleValue!) <= 0.00005 + 1e-12)
        #expect(abs(parts[1] - summary["std"]!.doubleValue!) <= 0.00005 + 1e-12)
        cellsChecked += 1
      }
    }
    #expect(cellsChecked == 6)
    #expect(markdown.contains("![ROC curves](roc.svg)"))
    #expect(FileManager.default.fileExists(atPath: directory.appendingPathComponent("roc.svg").path))
  }

  @Test func reportTableLayout() throws {
    let markdown = ReportMarkdown.render(try Self.sampleResult(), title: "T", decimals: 3)
    let lines = markdown.split(separator: "\n").map(String.init)
    #expect(lines.contains("| Model | auc | logloss | gauc |"))
    #expect(lines.contains("| Model | Metric | seed 11 | seed 12 | seed 13 |"))
    #expect(lines.contains("| MLP | auc | 0.840 | 0.838 | 0.841 |"))
    let mlp = try #require(lines.firstIndex { $0.hasPrefix("| MLP | 0.") })
    let meta = try #require(lines.firstIndex { $0.hasPrefix("| MetaCVR | 0.") })
    #expect(mlp < meta)
  }
}
