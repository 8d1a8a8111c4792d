// Errors a model raises before training starts: a schema it cannot read, an
// option that does not fit the data.

/// A model that cannot be built for this data or configuration, and why.
public enum ModelError: Error, Equatable, CustomStringConvertible {
  /// The schema does not describe inputs this model can read.
  case schema(String)
  /// A configuration value is out of range or inconsistent.
  case config(String)
  /// A checkpoint names a model kind this library does not know.
  case unknownKind(String)

  public var description: String {
    switch self {
    case .schema(let problem): "model input: \(problem)"
    case .config(let problem): "model configuration: \(problem)"
    case .unknownKind(let kind): "unknown model kind \"\(kind)\""
    }
  }
}
