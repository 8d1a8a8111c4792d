// MetaCVR §2.3 support sets: per occasion, one day of the recent range D_r whose
// clicked purchases are the positives and other clicked rows the negatives.

extension DataSplits {
  /// The first day of the recent range D_r with at least one clicked row of `occasion`, or nil.
  public func firstRecentDay(occasion: Int32) -> Int32? {
    guard let occasions = store.occasions, let days = store.days else { return nil }
    var first: Int32?
    for row in rows(.recent, space: .click) where occasions[Int(row)] == occasion {
      let day = days[Int(row)]
      if first == nil || day < first! { first = day }
    }
    return first
  }

  /// The support set of `occasion`: on `day` (nil: the first day of D_r holding
  /// clicked rows of that occasion), the clicked rows with conversion = 1 are the
  /// positives, the other clicked rows the negatives. Both ascending.
  ///
  /// Throws `SplitError` when the data has no occasion or conversion column, the
  /// day is outside D_r, the occasion has no clicked row on a day of D_r, or the
  /// chosen day has no positive.
  public func supportSet(occasion: Int32, day: Int32? = nil) throws -> (positives: [Int32], negatives: [Int32]) {
    guard let occasions = store.occasions else { throw SplitError("support sets need an occasion column or a calendar") }
    guard let conversions = store.conversions else { throw SplitError("support sets need a conversion column") }
    guard let days = store.days else { throw SplitError("the data has no day column") }
    let name = occasionName(occasion)
    let chosen: Int32
    if let day {
      guard recent.contains(day) else {
        throw SplitError("support day \(day) for occasion \(name) is outside the recent range \(recent)")
      }
      chosen = day
    } else {
      guard let first = firstRecentDay(occasion: occasion) else {
        throw SplitError("occasion \(name) has no clicked row on any day of the recent range \(recent)")
      }
      chosen = first
    }
    var positives: [Int32] = [], negatives: [Int32] = []
    for row in rows(.recent, space: .click) where days[Int(row)] == chosen && occasions[Int(row)] == occasion {
      if conversions[Int(row)] > 0.5 { positives.append(row) } else { negatives.append(row) }
    }
    guard !positives.isEmpty else {
      throw SplitError("occasion \(name) has no purchase (clicked, conversion = 1) on support day \(chosen)")
    }
    return (positives, negatives)
  }

  /// The support set of the first day of D_r where `occasion` has both classes
  /// (a clicked purchase and another click), or nil: MetaCVR's "picking a day of
  /// this occasion in D_r" (§2.3).
  public func firstUsableSupportSet(occasion: Int32) -> (positives: [Int32], negatives: [Int32])? {
    guard !recent.isEmpty else { return nil }
    for day in recent.lower...recent.upper {
      // supportSet throws for days without a click or a purchase of this occasion: try the next day.
      if let set = try? supportSet(occasion: occasion, day: day), !set.negatives.isEmpty { return set }
    }
    return nil
  }

  /// "name (code)" when the store names its occasions, else the code.
  private func occasionName(_ code: Int32) -> String {
    let names = store.occasionNames
    return code >= 0 && Int(code) < names.count ? "\(names[Int(code)]) (\(code))" : "\(code)"
  }
}
