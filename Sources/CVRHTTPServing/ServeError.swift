// The one error of the scoring server: an HTTP status and a message that names
// the row and field at fault, rendered as JSON so a client can read it.
import CVRCore

/// A request the server refuses, and why.
///
/// The JSON body is `{"error": message, "row": r, "field": f}` (row and field
/// only when known); the message repeats them so a log line alone says where.
public struct ServeError: Error, Equatable, Sendable, CustomStringConvertible {
  public let status: Int
  public let message: String
  /// The 0-based row of the request (instance or tensor element).
  public let row: Int?
  /// The column (input) name.
  public let field: String?

  public init(status: Int, _ message: String, row: Int? = nil, field: String? = nil) {
    self.status = status
    self.row = row
    self.field = field
    var where_: [String] = []
    if let row { where_.append("row \(row)") }
    if let field { where_.append("field '\(field)'") }
    self.message = where_.isEmpty ? message : where_.joined(separator: ", ") + ": " + message
  }

  public var description: String { "\(status): \(message)" }

  public static func badRequest(_ message: String, row: Int? = nil, field: String? = nil) -> ServeError {
    ServeError(status: 400, message, row: row, field: field)
  }

  /// `{"error": …, "row": …, "field": …}`.
  public var json: JSONValue {
    var object: JSONObject = ["error": .string(message)]
    if let row { object["row"] = .integer(row) }
    if let field { object["field"] = .string(field) }
    return .object(object)
  }
}
