// Inclusive ranges of day indices (days since 1970-01-01), the unit every split
// of the data is cut in, and the names of the splits and sample spaces.

/// The days `lower ... upper`, both included.
public struct DayRange: Codable, Equatable, Hashable, Sendable, CustomStringConvertible {
  public var lower: Int32
  public var upper: Int32

  public init(_ lower: Int32, _ upper: Int32) {
    self.lower = lower
    self.upper = upper
  }

  /// The range between two yyyy-mm-dd dates (UTC), both included; nil if either is not a date.
  public init?(from first: String, to last: String) {
    guard let lower = DayRange.day(first), let upper = DayRange.day(last) else { return nil }
    self.init(lower, upper)
  }

  /// Whether the range holds at least one day.
  public var isEmpty: Bool { upper < lower }
  /// Number of days in the range (0 when empty or inverted).
  public var dayCount: Int { isEmpty ? 0 : Int(upper) - Int(lower) + 1 }

  @inline(__always) public func contains(_ day: Int32) -> Bool { day >= lower && day <= upper }
  /// Whether every day of `other` lies in this range.
  public func contains(_ other: DayRange) -> Bool { other.lower >= lower && other.upper <= upper }
  /// Whether the two ranges share a day.
  public func overlaps(_ other: DayRange) -> Bool { other.lower <= upper && lower <= other.upper }

  public var description: String { "\(lower)...\(upper)" }

  /// Days since 1970-01-01 of a yyyy-mm-dd date (proleptic Gregorian), or nil.
  public static func day(_ date: String) -> Int32? {
    let parts = date.split(separator: "-", omittingEmptySubsequences: false)
    guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
      let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]), (1...12).contains(m), d >= 1
    else { return nil }
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
    let monthDays = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
    guard d <= monthDays[m - 1] else { return nil }
    // Days from civil (Howard Hinnant's algorithm): exact for every Gregorian date.
    let yy = m <= 2 ? y - 1 : y
    let era = (yy >= 0 ? yy : yy - 399) / 400
    let yoe = yy - era * 400
    let doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
    return Int32(era * 146_097 + doe - 719_468)
  }
}

/// The three day ranges of MetaCVR §3.1.1: training D, the recent part of it D_r, validation D_v.
public enum Split: String, Codable, CaseIterable, Sendable {
  case train, recent, valid
}

/// Which rows a split holds: every impression (exposure space, ESMM/EGEAN) or
/// only the clicked ones (click space, where CVR is defined).
public enum Space: String, Codable, CaseIterable, Sendable {
  case exposure, click
}

/// A split that cannot be made from this store, and why.
public struct SplitError: Error, Equatable, CustomStringConvertible {
  public let problem: String
  public init(_ problem: String) { self.problem = problem }
  public var description: String { "splits: \(problem)" }
}
