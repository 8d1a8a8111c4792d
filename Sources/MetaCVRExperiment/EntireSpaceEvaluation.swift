// The entire-space protocol's scores of one trained model (EGEAN §3.1: CVR and
// CTCVR AUC "in the entire impression space"): every head over the evaluation
// split's exposures, the CVR also over its clicked rows, through CVRSpaces.
import CVRData
import CVRMetrics
import CVRModels
import CVRTraining

/// The metrics train-egean reports per model and seed, by their metrics.json names:
/// - `ctr_auc`: AUC(pCTR, click) over the exposures;
/// - `cvr_auc_click`: AUC(pCVR, conversion) over the clicked rows;
/// - `cvr_auc_exposure`: AUC(pCVR, y) over the exposures, y the potential
///   conversion when the data has it (a `truth: potential_conversion` column:
///   the simulators), else click·conversion (unclicked rows count as negatives);
/// - `ctcvr_auc`: AUC(pCTR·pCVR, click·conversion) over the exposures;
/// - `cvr_logloss`: −mean(y log p + (1−y) log(1−p)) of pCVR on the clicked rows
///   (the rows whose conversion is observed).
/// A model without a CTR head (BASE) gets the two CVR AUCs and the log loss only.
package struct EntireSpaceEvaluation {
  package static let metricNames = ["ctr_auc", "cvr_auc_click", "cvr_auc_exposure", "ctcvr_auc", "cvr_logloss"]

  package let data: ExperimentData

  package init(data: ExperimentData) { self.data = data }

  /// The evaluation split's exposures (D_v of the experiment: train-egean's test days or test file).
  package var rows: [Int32] { data.splits.rows(.valid, space: .exposure) }

  /// Which label the entire-space CVR AUC uses on this data.
  package var entireSpaceLabel: EntireSpaceCVRLabel {
    Self.potentialColumn(data.schema) == nil ? .unclickedAsNegative : .potentialConversion
  }

  /// The name of the schema's potential-conversion truth column, if any.
  package static func potentialColumn(_ schema: DataSchema) -> String? {
    schema.columns.first { $0.role == .truth && $0.truth == .potentialConversion }?.name
  }

  /// Per exposure of `rows`: click, conversion (0 when unclicked) and, when known, the potential conversion.
  package func labels() throws -> (click: [Bool], conversion: [Bool], potential: [Bool]?) {
    let store = data.store
    guard let clicks = store.clicks else { throw TrainingError.data("the schema has no click column (role: click)") }
    let rows = self.rows
    let click = rows.map { clicks[Int($0)] > 0.5 }
    let conversion = zip(click, try SplitMetrics.labels(store, rows: rows)).map { $0 && $1 }
    let potential = Self.potentialColumn(data.schema).flatMap { store.truth[$0] }.map { column in
      rows.map { column[Int($0)] > 0.5 }
    }
    return (click, conversion, potential)
  }

  /// The metrics of `model` (named `name` in errors) and its pCVR per exposure of `rows`.
  package func evaluate(_ model: any CVRModel, name: String, batchSize: Int) throws
    -> (metrics: [(String, Double)], cvrScores: [Float])
  {
    let predictions = Scorer(assembler: data.assembler, batchSize: batchSize)
      .predictions(model, rows: rows, heads: [.ctr, .cvr])
    guard let cvr = predictions[.cvr] else { throw TrainingError.config("\(name) has no CVR head") }
    for (head, scores) in predictions where !scores.allSatisfy(\.isFinite) {
      throw TrainingError.data("\(name): its \(head.rawValue.uppercased()) scores on the evaluation rows are not finite "
        + "(the model diverged; lower learning_rate or clip_norm)")
    }
    let (click, conversion, potential) = try labels()
    let pCVR = cvr.map(Double.init)
    let pCTR = predictions[.ctr]?.map(Double.init)
    let spaces = CVRSpaces.evaluate(click: click, conversion: conversion, pCTR: pCTR ?? pCVR, pCVR: pCVR,
                                    potentialConversion: potential)
    let clicked = click.indices.filter { click[$0] }
    let logLoss = LogLoss.fromProbabilities(clicked.map { pCVR[$0] }, labels: clicked.map { conversion[$0] })
    var out: [(String, Double)] = []
    if pCTR != nil { out.append(("ctr_auc", spaces.ctr.auc ?? .nan)) }
    out += [("cvr_auc_click", spaces.cvrClicked.auc ?? .nan), ("cvr_auc_exposure", spaces.cvrEntire.auc ?? .nan)]
    if pCTR != nil { out.append(("ctcvr_auc", spaces.ctcvr.auc ?? .nan)) }
    out.append(("cvr_logloss", logLoss ?? .nan))
    return (out, cvr)
  }
}
