// The entire-space scores train-egean reports, on a six-row test split whose AUCs
// are worked out by hand: against the potential conversion when the data has it,
// with unclicked rows as negatives when it does not.
import CVRAutograd
import CVRCore
import CVRData
import CVRModels
import CVRTestSupport
import Foundation
import MetaCVRExperiment
import Testing

/// pCVR = a fixed value per row id, pCTR = 0.5 everywhere.
private final class RowScoreModel: CVRModel {
  let scores: [Int32: Float]
  var kind: String { "RowScore" }
  var displayName: String { "RowScore" }
  var ownParameters: [Parameter] { [] }
  var trainingSpace: Space { .exposure }
  var configuration: JSONValue { .null }
  var heads: [PredictionHead] { [.ctr, .cvr] }
  init(_ scores: [Int32: Float]) { self.scores = scores }
  func loss(_ batch: Batch, _ tape: Tape) -> Tensor { fatalError("not trained") }
  func predictCVR(_ batch: Batch, _ tape: Tape, into out: UnsafeMutablePointer<Float>) {
    for b in 0..<batch.count { out[b] = scores[batch.rows[b]] ?? 0.5 }
  }
  func predict(_ batch: Batch, _ tape: Tape, into outputs: PredictionOutputs) {
    if let cvr = outputs.cvr { predictCVR(batch, tape, into: cvr) }
    if let ctr = outputs.ctr { for b in 0..<batch.count { ctr[b] = 0.5 } }
  }
}

@Suite struct EntireSpaceEvaluationTests {
  /// Day 0: two training rows; day 1: the six test rows (click, conversion, potential, pCVR):
  /// (1,1,1,.9) (1,0,0,.6) (0,0,1,.8) (0,0,0,.3) (0,0,1,.2) (0,0,0,.5).
  static let csv = """
    day,f,click,conversion,potential
    0,1,1,1,1
    0,2,0,0,0
    1,1,1,1,1
    1,2,1,0,0
    1,3,0,0,1
    1,1,0,0,0
    1,2,0,0,1
    1,3,0,0,0

    """
  static let pCVR: [Int32: Float] = [2: 0.9, 3: 0.6, 4: 0.8, 5: 0.3, 6: 0.2, 7: 0.5]

  func data(potential: Bool) throws -> ExperimentData {
    let directory = try scratchDirectory()
    let file = directory.appendingPathComponent("data.csv")
    try Self.csv.write(to: file, atomically: true, encoding: .utf8)
    let schema = """
      delimiter: ","
      header: true
      columns:
        - {name: day, role: day}
        - {name: f, role: sparse, vocab: 4, dim: 2, group: user}
        - {name: click, role: click}
        - {name: conversion, role: conversion}
        - {name: potential, role: \(potential ? "truth, truth: potential_conversion" : "ignore")}
      """
    let schemaFile = directory.appendingPathComponent("schema.yaml")
    try schema.write(to: schemaFile, atomically: true, encoding: .utf8)
    var config = ExperimentConfig()
    config.data = file.path
    config.schema = schemaFile.path
    (config.trainDays, config.recentDays, config.validDays) = ("0-0", "0-0", "1-1")
    return try ExperimentData(config: config)
  }

  @Test func againstThePotentialConversion() throws {
    let evaluation = EntireSpaceEvaluation(data: try data(potential: true))
    #expect(evaluation.entireSpaceLabel == .potentialConversion)
    let metrics = Dictionary(uniqueKeysWithValues: try evaluation.evaluate(
      RowScoreModel(Self.pCVR), name: "fixture", batchSize: 4).metrics)
    #expect(Set(metrics.keys) == Set(EntireSpaceEvaluation.metricNames))
    // Potential positives .9, .8, .2 against negatives .6, .3, .5: 3 + 3 + 0 of 9 pairs.
    #expect(abs(metrics["cvr_auc_exposure"]! - 6.0 / 9.0) < 1e-12)
    // Clicked rows: .9 (converted) above .6.
    #expect(metrics["cvr_auc_click"] == 1)
    // pCTR·pCVR ranks as pCVR; the one click·conversion row has the top score.
    #expect(metrics["ctcvr_auc"] == 1)
    #expect(metrics["ctr_auc"] == 0.5)
    // −(ln 0.9 + ln 0.4) / 2 over the two clicked rows.
    #expect(abs(metrics["cvr_logloss"]! - (-(log(0.9) + log(0.4)) / 2)) < 1e-6)
  }

  @Test func unclickedRowsAreNegativesWithoutThePotentialConversion() throws {
    let evaluation = EntireSpaceEvaluation(data: try data(potential: false))
    #expect(evaluation.entireSpaceLabel == .unclickedAsNegative)
    let metrics = Dictionary(uniqueKeysWithValues: try evaluation.evaluate(
      RowScoreModel(Self.pCVR), name: "fixture", batchSize: 4).metrics)
    // The only positive is the clicked, converted row with the top score.
    #expect(metrics["cvr_auc_exposure"] == 1)
  }
}
