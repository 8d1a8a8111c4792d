// How a long ratings file is laid out: delimiter, header, the column names to
// look for, and the largest rating allowed.

/// Options of the long `user,item,rating[,propensity]` format.
public struct LongRatingsOptions: Sendable, Equatable {
  public enum Delimiter: Sendable, Equatable {
    /// Tab when the first line has a tab, else comma when it has a comma, else a single space.
    case detect
    case comma, tab
    /// One space between fields (Yahoo!R3-style text dumps); two spaces make an empty field.
    case space
    var byte: UInt8? {
      switch self {
      case .detect: nil
      case .comma: UInt8(ascii: ",")
      case .tab: UInt8(ascii: "\t")
      case .space: UInt8(ascii: " ")
      }
    }
  }

  public enum Header: Sendable, Equatable {
    /// A header when the first line's third field is not a number.
    case detect
    case present, absent
  }

  public var delimiter: Delimiter = .detect
  public var header: Header = .detect
  /// Header names (compared without case). The defaults also accept common
  /// spellings: user_id, userid, uid; item_id, itemid, iid; score; pscore.
  public var userColumn = "user"
  public var itemColumn = "item"
  public var ratingColumn = "rating"
  /// Optional: used when the header has it, or as the 4th field of a headerless file.
  public var propensityColumn = "propensity"
  /// Ratings must lie in 0 … maxRating (5 for the 1–5 benchmarks).
  public var maxRating: Float = 5

  public init(delimiter: Delimiter = .detect, header: Header = .detect, maxRating: Float = 5) {
    self.delimiter = delimiter
    self.header = header
    self.maxRating = maxRating
  }

  /// The names a header cell may have for each column, the configured one first.
  func names(_ configured: String, defaultName: String, aliases: [String]) -> [String] {
    configured.lowercased() == defaultName ? [defaultName] + aliases : [configured.lowercased()]
  }
}
