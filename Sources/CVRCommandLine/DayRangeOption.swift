// A day range on the command line, read with the one grammar of
// `DayRange.parse`, so every executable accepts and rejects the same strings.
import ArgumentParser
import CVRData

/// A day range flag value: the text as given (recorded in configs) and the range it names.
package struct DayRangeOption: ExpressibleByArgument, Equatable, Sendable {
  package let text: String
  package let range: DayRange

  package init?(argument: String) {
    guard let range = try? DayRange.parse(argument, what: "day range") else { return nil }
    self.text = argument
    self.range = range
  }

  /// The flag's value, or the grammar's own error naming `flag`.
  package static func parse(_ text: String, flag: String) throws -> DayRangeOption {
    let range = try DayRange.parse(text, what: flag)
    return DayRangeOption(text: text, range: range)
  }

  private init(text: String, range: DayRange) {
    self.text = text
    self.range = range
  }

  package static var defaultCompletionKind: CompletionKind { .default }
}
