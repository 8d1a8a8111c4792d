// The files of `cvr debias simulate`: report.md (a table per floor), metrics.json
// (ordered keys, so the same seed gives the same bytes) and rmse.svg, each
// written with AtomicFile.
import CVRCore
import CVREstimators
import CVRFileIO
import CVRReports
import Foundation

enum DebiasStudyOutput {
  /// The imputation whose RMSE the plot shows.
  static let plottedImputation = "rough"

  /// Writes the three files into `directory` (which exists) and returns their URLs.
  static func write(study: EstimatorStudy, cells: [EstimatorStudy.Cell], to directory: URL) throws -> [URL] {
    let files: [(String, String)] = [
      ("report.md", markdown(study: study, cells: cells)),
      ("metrics.json", metrics(study: study, cells: cells).rendered()),
      ("rmse.svg", plot(study: study, cells: cells)),
    ]
    return try files.map { name, text in
      let url = directory.appendingPathComponent(name)
      try AtomicFile.write(Data(text.utf8), to: url)
      return url
    }
  }

  static func fixed(_ value: Double, _ digits: Int = 4, signed: Bool = false) -> String {
    String(format: signed ? "%+.\(digits)f" : "%.\(digits)f", value)
  }

  static func markdown(study: EstimatorStudy, cells: [EstimatorStudy.Cell]) -> String {
    let w = study.world
    var out = """
      # Estimator report

      Each estimator's error against the ideal loss of its draw, over \(study.draws) seeded draws
      of \(study.rows) rows (draw k uses seed \(study.seed) + k). World: x ~ U(0, 1),
      p(x) = \(w.pLow) + \(fixed(w.pHigh - w.pLow, 2))·x (the estimators get the true p, clipped at the floor),
      o ~ Bernoulli(p), e = 0.2 + 0.6x + U(−0.2, 0.2); ideal loss (1/N) Σ e over all rows.
      Imputations: exact ê = 0.2 + 0.6x; rough ê = 0.3 + 0.3x; constant ê = mean error of the
      observed rows. Bias ± its 99 % half-width; std and RMSE of (estimate − ideal loss).
      Naive, IPS and SNIPS do not read ê (one row each).


      """
    for floor in study.floors {
      out += "## Propensity floor \(floor)\n\n"
      out += "| estimator | imputation | bias ± 99 % | std | RMSE |\n|---|---|---:|---:|---:|\n"
      for c in cells where c.floor == floor {
        out += "| \(c.estimator) | \(c.imputation ?? "—") | \(fixed(c.bias, signed: true)) ± \(fixed(c.biasHalfWidth99))"
          + " | \(fixed(c.std)) | \(fixed(c.rmse)) |\n"
      }
      out += "\n"
    }
    out += "![RMSE against the propensity floor (\(plottedImputation) imputation)](rmse.svg)\n"
    return out
  }

  static func metrics(study: EstimatorStudy, cells: [EstimatorStudy.Cell]) -> JSONValue {
    let world: JSONObject = [
      "pLow": .double(study.world.pLow), "pHigh": .double(study.world.pHigh),
      "x": .string("U(0, 1)"), "propensity": .string("pLow + (pHigh - pLow) x"),
      "error": .string("0.2 + 0.6 x + U(-0.2, 0.2)"), "truth": .string("mean error over all rows of the draw"),
    ]
    let imputations = JSONObject(study.qualities.map { q in
      let text: String = switch q.imputation {
      case .exact: "0.2 + 0.6 x"
      case .linear(let slope, let intercept): "\(intercept) + \(slope) x"
      case .observedMean: "mean error of the observed rows"
      }
      return (q.name, JSONValue.string(text))
    })
    let rows: [JSONValue] = cells.map { c in
      .object([
        "floor": .double(c.floor), "estimator": .string(c.estimator), "imputation": c.imputation.map(JSONValue.string) ?? .null,
        "bias": .double(c.bias), "biasHalfWidth99": .double(c.biasHalfWidth99), "std": .double(c.std),
        "variance": .double(c.variance), "rmse": .double(c.rmse),
      ])
    }
    return .object([
      "study": .string("estimator report"), "seed": .integer(study.seed), "draws": .integer(study.draws),
      "rows": .integer(study.rows), "world": .object(world), "floors": .array(study.floors.map(JSONValue.double)),
      "imputations": .object(imputations), "estimators": .array(study.estimators.map { .string($0.name) }),
      "cells": .array(rows),
    ])
  }

  /// RMSE against the floor, one line per estimator, for the rough imputation (naive,
  /// IPS and SNIPS, which read no imputation, with their only cells).
  static func plot(study: EstimatorStudy, cells: [EstimatorStudy.Cell]) -> String {
    let series = study.estimators.map { e in
      let mine = cells.filter { $0.estimator == e.name && ($0.imputation == nil || $0.imputation == plottedImputation) }
      return PlotSeries(name: e.name, x: mine.map(\.floor), y: mine.map(\.rmse))
    }
    // Room on the right for the legend (top right), which would otherwise cover naive's flat line.
    let top = (study.floors.max() ?? 0.1) * 1.4
    return PlotLoss.svg(
      series, title: "RMSE of each estimator of the ideal loss (\(plottedImputation) imputation, \(study.draws) draws)",
      xLabel: "Propensity floor", yLabel: "RMSE against the ideal loss", width: 720, height: 480, xDomain: 0...top)
  }
}
