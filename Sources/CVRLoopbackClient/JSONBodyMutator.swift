// Mutants of a valid request body for fuzzing a server: bytes flipped,
// dropped or cut, JSON tokens spliced in, values replaced, or random text.
import CVRCore

/// Byte- and token-level mutations of a JSON body: the rules of the in-test fuzz pass and of `make fuzz-serve`.
public enum JSONBodyMutator {
  public static let tokens: [String] = [
    "null", "true", "false", "-1", "1e999", "NaN", "\"\"", "[]", "{}", "[[[", "\"\\u0000\"", "0.5", "9999999999999999999",
    "\"|\"", "\"a|b\"", "-0", "1e-45", "\"\u{FFFF}\"", ",", ":", "\"instances\"", "\"inputs\"", "\"shape\"", "[-1]",
  ]

  public static func mutate(_ seed: [UInt8], rng: inout SeededGenerator) -> [UInt8] {
    var body = seed
    for _ in 0..<Int.random(in: 1...4, using: &rng) {
      guard !body.isEmpty else { break }
      let at = Int.random(in: 0..<body.count, using: &rng)
      switch Int.random(in: 0..<6, using: &rng) {
      case 0: body[at] = UInt8.random(in: 0...255, using: &rng)
      case 1: body.remove(at: at)
      case 2: body.insert(contentsOf: Array(tokens.randomElement(using: &rng)!.utf8), at: at)
      case 3: body.removeSubrange(at..<min(body.count, at + Int.random(in: 1...40, using: &rng)))
      case 4:
        // Replace a value: from a ':' to the next ',' or '}'.
        if let colon = body[at...].firstIndex(of: UInt8(ascii: ":")),
          let end = body[(colon + 1)...].firstIndex(where: { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "}") })
        {
          body.replaceSubrange((colon + 1)..<end, with: Array(tokens.randomElement(using: &rng)!.utf8))
        }
      default: body = Array((0..<Int.random(in: 0...64, using: &rng)).map { _ in UInt8.random(in: 32...126, using: &rng) })
      }
    }
    return body
  }
}
