// The AUCs of a CVR model in the spaces they are defined on — CTR over
// exposures, CVR over clicks, CVR over the entire exposure space, CTCVR over
// exposures — each result naming its space, so no number is read in the wrong one.

/// How the entire-space CVR AUC labels the unclicked exposures.
public enum EntireSpaceCVRLabel: String, Sendable, Equatable {
  /// Against the potential conversion (what would have converted had it been
  /// clicked), known only in simulations.
  case potentialConversion = "potential-conversion"
  /// Unclicked exposures counted as not converted (the observable proxy).
  case unclickedAsNegative = "unclicked-as-negative"
}

/// One AUC with the space it was computed over.
public struct SpaceAUC: Sendable, Equatable {
  /// e.g. "CTR AUC over exposures" — print this with the number.
  public let space: String
  /// Rows in that space.
  public let rows: Int
  /// Positive rows among them.
  public let positives: Int
  /// Nil when the space lacks a class.
  public let auc: Double?
}

/// The four AUCs of a CVR model.
public struct CVRSpaceAUCs: Sendable, Equatable {
  /// pCTR against click, over all exposures.
  public let ctr: SpaceAUC
  /// pCVR against conversion, over clicked rows only.
  public let cvrClicked: SpaceAUC
  /// pCVR over all exposures, against `entireSpaceLabel`'s definition.
  public let cvrEntire: SpaceAUC
  public let entireSpaceLabel: EntireSpaceCVRLabel
  /// pCTR·pCVR against click·conversion, over all exposures.
  public let ctcvr: SpaceAUC

  public var all: [SpaceAUC] { [ctr, cvrClicked, cvrEntire, ctcvr] }
}

public enum CVRSpaces {
  /// The AUCs of one model over one split (all arrays one entry per exposure):
  /// - CTR: AUC(pCTR, click) over the n exposures;
  /// - CVR (click space): AUC(pCVR, conversion) over rows with click = 1;
  /// - CVR (entire space): AUC(pCVR, y) over the n exposures with
  ///   y = potentialConversion when given, else y = click·conversion (unclicked
  ///   rows count as non-converted); `entireSpaceLabel` says which;
  /// - CTCVR: AUC(pCTR·pCVR, click·conversion) over the n exposures.
  /// A conversion on an unclicked row is not a conversion (it is masked by
  /// click in every label above except the potential one).
  public static func evaluate(
    click: [Bool], conversion: [Bool], pCTR: [Double], pCVR: [Double], potentialConversion: [Bool]? = nil
  ) -> CVRSpaceAUCs {
    let n = click.count
    precondition(
      conversion.count == n && pCTR.count == n && pCVR.count == n && (potentialConversion?.count ?? n) == n,
      "every per-exposure array must have the same length")
    let clickConversion = (0..<n).map { click[$0] && conversion[$0] }
    var clickedScores: [Double] = [], clickedLabels: [Bool] = []
    for i in 0..<n where click[i] {
      clickedScores.append(pCVR[i])
      clickedLabels.append(conversion[i])
    }
    let definition: EntireSpaceCVRLabel = potentialConversion == nil ? .unclickedAsNegative : .potentialConversion
    let entireLabels = potentialConversion ?? clickConversion
    func space(_ name: String, _ scores: [Double], _ labels: [Bool]) -> SpaceAUC {
      SpaceAUC(
        space: name, rows: scores.count, positives: labels.reduce(0) { $0 + ($1 ? 1 : 0) },
        auc: scores.isEmpty ? nil : AUC.compute(scores: scores, labels: labels))
    }
    return CVRSpaceAUCs(
      ctr: space("CTR AUC over exposures", pCTR, click),
      cvrClicked: space("CVR AUC over clicks", clickedScores, clickedLabels),
      cvrEntire: space("CVR AUC over exposures (\(definition.rawValue))", pCVR, entireLabels),
      entireSpaceLabel: definition,
      ctcvr: space("CTCVR AUC over exposures", (0..<n).map { pCTR[$0] * pCVR[$0] }, clickConversion))
  }
}
