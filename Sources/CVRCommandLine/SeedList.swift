// The one seed syntax of `train-metacvr --seeds`: a number is a seed, never a count.
import ArgumentParser

/// `--seeds` text → seeds.
///
/// Rule: "3" is the one seed 3; "1-5" is seeds 1 to 5; "1,4,9" lists seeds and
/// items may be ranges ("1-3,7"). A count of seeds is `--seed-count N` (seeds
/// 1 to N). Why one rule: "--seeds 2" used to mean seeds 1 and 2 while "--seeds 2,"
/// meant seed 2, so the same digit named different runs.
package enum SeedList {
  /// Largest range accepted (a typo such as 1-100000000 must not allocate forever).
  package static let maximumRange: UInt64 = 100_000

  /// The seeds, or a `ValidationError` naming `--seeds` and the bad item.
  package static func parse(_ text: String) throws -> [UInt64] {
    let shown = text.count > 80 ? String(text.prefix(80)) + "…" : text
    let parts = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    guard !parts.isEmpty else {
      throw ValidationError("--seeds '\(shown)': give a seed (3), a range (1-5) or a list (1,4,9)")
    }
    var seeds: [UInt64] = []
    for part in parts {
      let bounds = part.split(separator: "-", omittingEmptySubsequences: false).map {
        UInt64($0.trimmingCharacters(in: .whitespaces))
      }
      if bounds.count == 1, let seed = bounds[0] {
        seeds.append(seed)
      } else if bounds.count == 2, let a = bounds[0], let b = bounds[1] {
        guard a <= b else { throw ValidationError("--seeds '\(shown)': the range \(part) runs backwards") }
        guard b - a < maximumRange else {
          throw ValidationError("--seeds '\(shown)': the range \(part) holds more than \(maximumRange) seeds")
        }
        seeds += Array(a...b)
      } else {
        throw ValidationError(
          "--seeds '\(shown)': '\(part.prefix(40))' is not a seed (3) or a range (1-5) of non-negative integers")
      }
    }
    guard Set(seeds).count == seeds.count else { throw ValidationError("--seeds '\(shown)' names a seed twice") }
    return seeds
  }

  /// `--seed-count n`: seeds 1 to n.
  package static func count(_ n: Int) throws -> [UInt64] {
    guard n >= 1 else { throw ValidationError("--seed-count must be at least 1, got \(n)") }
    return Array(1...UInt64(n))
  }
}
