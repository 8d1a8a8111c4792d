// The promotion calendar of DDFWorld: which occasion (NP/BP/DP/AP) each day is,
// and which promotion it belongs to; written as calendar.csv.
import CVRCore
import CVRData
import CVRFileIO
import Foundation

/// Day → occasion. Days split into `promotions` equal blocks; each block holds one
/// promotion (BP days, DP days, AP days) centred in it, with NP days around, so
/// every block of the log (the last two weeks too) covers all four occasions.
/// With `Fluctuation.randomDates` each promotion starts on a random day of its
/// block (at least one NP day before and after it) and its phases take random
/// lengths, drawn from the seed's own stream.
struct DDFCalendar {
  /// Occasion code per day, into `DDFWorld.occasionNames` (0 NP, 1 BP, 2 DP, 3 AP).
  let occasion: [Int]
  /// The promotion a BP/DP/AP day belongs to, -1 on NP days.
  let promotion: [Int]
  /// The first DP day of each promotion (items' hot bursts cluster around them).
  let promotionStarts: [Int]

  static let np = 0, bp = 1, dp = 2, ap = 3

  init(_ config: DDFWorld.Config, seed: UInt64) {
    var occasion = [Int](repeating: Self.np, count: config.days)
    var promotion = [Int](repeating: -1, count: config.days)
    var starts: [Int] = []
    if config.promotions > 0 {
      let block = config.days / config.promotions
      var g = SeededGenerator(seed: seed ^ 0x5EED_D0F0_0000_0004)
      for p in 0..<config.promotions {
        var lengths = (config.beforeDays, config.duringDays, config.afterDays)
        if config.fluctuation.randomDates { lengths = (1 + g.below(3), 2 + g.below(3), 1 + g.below(3)) }
        let span = lengths.0 + lengths.1 + lengths.2
        // Centred, or anywhere in the block with at least one NP day on each side.
        let first = config.fluctuation.randomDates
          ? p * block + 1 + g.below(block - span - 1) : p * block + (block - span + 1) / 2
        let phases = [(Self.bp, lengths.0), (Self.dp, lengths.1), (Self.ap, lengths.2)]
        var day = first
        for (code, length) in phases {
          if code == Self.dp { starts.append(day) }
          for _ in 0..<length {
            occasion[day] = code
            promotion[day] = p
            day += 1
          }
        }
      }
    }
    self.occasion = occasion
    self.promotion = promotion
    self.promotionStarts = starts
  }

  /// `day,occasion` with a header line, one line per day.
  func write(to url: URL) throws {
    var text = "day,occasion\n"
    for (day, code) in occasion.enumerated() { text += "\(day),\(DDFWorld.occasionNames[code])\n" }
    try AtomicFile.write(Data(text.utf8), to: url)
  }
}
