// Errors of the XGBoost wrapper: a failed C API call (with XGBoost's own
// message) or inputs whose sizes disagree.

/// What went wrong in an XGBoost call.
public enum XGBoostError: Error, Equatable, CustomStringConvertible {
  /// A C API function returned non-zero; `message` is `XGBGetLastError()`.
  case library(call: String, message: String)
  /// Feature, label or row/column counts disagree (checked before XGBoost sees them).
  case shapeMismatch(String)
  /// The rows cannot train a booster (none, no conversion labels, a missing column).
  case data(String)
  /// A model file that cannot be read, parsed, or whose bytes differ from their recorded checksum.
  case modelFile(file: String, problem: String)

  public var description: String {
    switch self {
    case .library(let call, let message): "XGBoost \(call) failed: \(message)"
    case .shapeMismatch(let detail): "XGBoost input shape mismatch: \(detail)"
    case .data(let problem): "data: \(problem)"
    case .modelFile(let file, let problem): "\(file): \(problem)"
    }
  }
}
