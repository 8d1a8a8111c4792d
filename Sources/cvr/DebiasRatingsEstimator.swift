// The estimators `cvr debias train` trains MF with: their names on the command
// line, and which need an imputation model.
import Foundation

/// One training objective for the prediction MF (docs/estimators.md, "Training on ratings").
enum DebiasRatingsEstimator: String, CaseIterable, Sendable {
  case naive, ips, snips
  case drJL = "dr-jl"
  case mrdr, stabledr, pvdr

  /// Whether a second MF, the imputation model, is trained alternately with the prediction.
  var usesImputation: Bool {
    switch self {
    case .naive, .ips, .snips: false
    case .drJL, .mrdr, .stabledr, .pvdr: true
    }
  }

  /// The estimator's name in the table, the report and metrics.json: PVDR's carries
  /// its λ rule ("pvdr(λ=0.5)", "pvdr(λ=inverse:0.05)"), the others are their flag names.
  func name(_ settings: DebiasTrainSettings) -> String {
    self == .pvdr ? "pvdr(λ=\(settings.pvdrLambda))" : rawValue
  }

  /// Parses "naive,ips,..." (no repeats), in the order given.
  static func parseList(_ text: String) throws -> [DebiasRatingsEstimator] {
    var out: [DebiasRatingsEstimator] = []
    for part in text.split(separator: ",", omittingEmptySubsequences: false) {
      let name = part.trimmingCharacters(in: .whitespaces)
      guard let e = DebiasRatingsEstimator(rawValue: name) else {
        throw DebiasTrainError("--estimators: unknown estimator \"\(name)\" (known: \(allCases.map(\.rawValue).joined(separator: ",")))")
      }
      guard !out.contains(e) else { throw DebiasTrainError("--estimators: \(name) is listed twice") }
      out.append(e)
    }
    return out
  }
}

/// A refusal of `cvr debias train` that the user reads.
struct DebiasTrainError: Error, CustomStringConvertible {
  let description: String
  init(_ description: String) { self.description = description }
}
