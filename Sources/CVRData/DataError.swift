// A bad row, field or file found while ingesting: where it is (file, line,
// column) and why, so the user can open the file at that spot.

/// One ingestion problem: the file, the 1-based line, the column and the reason.
///
/// `line` is the line where the row starts (a quoted field may span lines);
/// 0 means the problem concerns the whole file (e.g. label leakage).
/// `fieldIndex` is the 0-based position of the column in the schema, nil when
/// the problem is not about one field (a truncated row names the first missing
/// column instead).
public struct DataError: Error, Equatable, Codable, Sendable, CustomStringConvertible {
  public let file: String
  public let line: Int
  public let column: String?
  public let fieldIndex: Int?
  public let reason: String

  public init(file: String, line: Int, column: String? = nil, fieldIndex: Int? = nil, reason: String) {
    self.file = file
    self.line = line
    self.column = column
    self.fieldIndex = fieldIndex
    self.reason = reason
  }

  /// "file:line:column: reason" (the line is left out when 0, the column when nil).
  public var description: String {
    var text = file
    if line > 0 { text += ":\(line)" }
    if let column { text += ":\(column)" }
    return text + ": " + reason
  }
}
