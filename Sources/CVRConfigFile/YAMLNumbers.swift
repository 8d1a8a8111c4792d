// Numbers in written YAML that every YAML reader reads as numbers.
import Foundation

/// Rewrites exponent numbers of YAML text into the form both YAML 1.1 and 1.2
/// readers take as floats.
///
/// Why: Yams writes small doubles as `1e-05`; YAML 1.1 readers (PyYAML, many
/// tools) take a float only with a decimal point and a signed exponent, so they
/// read `1e-05` as the string "1e-05". `1.0e-05` is a float in 1.1 and in the
/// 1.2 core schema alike, and Yams reads it back to the same Double.
package enum YAMLNumbers {
  /// `text` with every plain scalar of the form `[-+]digits[.digits]e[sign]digits`
  /// (after `key: ` or `- `, alone on its line) given a `.0` when it has no point
  /// and a `+` when its exponent has no sign. Quoted strings are not touched.
  package static func portable(_ text: String) -> String {
    var lines = text.components(separatedBy: "\n")
    for i in lines.indices {
      lines[i] = rewrite(lines[i])
    }
    return lines.joined(separator: "\n")
  }

  private static let pattern = try! NSRegularExpression(
    pattern: ##"^((?:\s*- )*\s*(?:[^\s'"#][^:#]*: |- ))([-+]?[0-9]+)(\.[0-9]+)?[eE]([-+]?)([0-9]+)$"##)

  private static func rewrite(_ line: String) -> String {
    let range = NSRange(line.startIndex..., in: line)
    guard let match = pattern.firstMatch(in: line, range: range) else { return line }
    func group(_ k: Int) -> String {
      let r = match.range(at: k)
      guard r.location != NSNotFound, let swiftRange = Range(r, in: line) else { return "" }
      return String(line[swiftRange])
    }
    let fraction = group(3).isEmpty ? ".0" : group(3)
    let sign = group(4).isEmpty ? "+" : group(4)
    return group(1) + group(2) + fraction + "e" + sign + group(5)
  }
}
