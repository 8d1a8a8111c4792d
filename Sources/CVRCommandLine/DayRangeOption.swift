// A day range on the command line, read with the one grammar of
// `DayRange.parse`, so every executable accepts and rejects the same strings.
import CVRData

/// A day range flag value: the text as given (recorded in configs) and the range it names.
package struct DayRangeOption: Equatable, Sendable {
  package let text: String
  package let range: DayRange

  /// The flag's value, or the grammar's own error naming `flag` (an `@Option`'s `transform`).
  package static func parse(_ text: String, flag: String) throws -> DayRangeOption {
    DayRangeOption(text: text, range: try DayRange.parse(text, what: flag))
  }
}
