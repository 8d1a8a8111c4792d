// The rows MetaCVR's prototypes are averaged over (§2.3): one day of an
// occasion in D_r, all its days, or either with the labels shuffled (a probe).
import CVRCore
import CVRData

/// Per occasion, S⁺ (clicked purchases) and S⁻ (other clicked rows).
public enum SupportSets {
  public typealias Sets = [(occasion: Int, positives: [Int32], negatives: [Int32])]

  /// The support sets `support` names over D_r for every occasion of `names` (the plan's order).
  ///
  /// Throws `ModelError.config` naming an occasion without both classes in D_r (or on any day of it).
  public static func make(_ support: PrototypeSupport, splits: DataSplits, names: [String]) throws -> Sets {
    var sets: Sets = []
    for (occasion, name) in names.enumerated() {
      switch support {
      case .firstDay:
        guard let set = splits.firstUsableSupportSet(occasion: Int32(occasion)) else {
          throw ModelError.config(
            "occasion \(name) (\(occasion)) has no day in the recent range \(splits.recent) with both a clicked purchase and another click: no support set for its prototypes")
        }
        sets.append((occasion, set.positives, set.negatives))
      case .allDays:
        guard let conversions = splits.store.conversions else {
          throw ModelError.config("prototypes need a conversion column")
        }
        let rows = splits.rows(.recent, space: .click, occasion: Int32(occasion))
        let positives = rows.filter { conversions[Int($0)] > 0.5 }, negatives = rows.filter { conversions[Int($0)] <= 0.5 }
        guard !positives.isEmpty && !negatives.isEmpty else {
          throw ModelError.config(
            "occasion \(name) (\(occasion)) has \(positives.count) clicked purchases and \(negatives.count) other clicks in the recent range \(splits.recent): its prototypes need both")
        }
        sets.append((occasion, positives, negatives))
      }
    }
    return sets
  }

  /// The probe's sets: per occasion, its S⁺ ∪ S⁻ shuffled with `seed` and split
  /// again into sets of the original sizes, so + and − are random halves of one
  /// pool and the prototypes carry the occasion but no label information [ours].
  public static func shuffledLabels(_ sets: Sets, seed: UInt64) -> Sets {
    var rng = SeededGenerator(seed: seed ^ 0x5348_5546)
    return sets.map { set in
      var pool = set.positives + set.negatives
      for i in stride(from: pool.count - 1, to: 0, by: -1) {
        pool.swapAt(i, Int(rng.next() % UInt64(i + 1)))
      }
      return (set.occasion, Array(pool[..<set.positives.count]).sorted(), Array(pool[set.positives.count...]).sorted())
    }
  }
}
