// Counting the click/conversion funnel of a ColumnStore: one pass over the
// label, day and occasion columns.
import CVRData

/// Summaries of loaded data for `cvr data inspect`.
public enum DataInspection {
  /// Counts rows, exposures, clicks and conversions with CTR, CVR (conversions
  /// / clicks) and CTCVR, overall, per day (`store.days`) and per occasion
  /// (`store.occasions`, named by `store.occasionNames`; every named occasion is
  /// listed, with zero rows too, so an absent occasion shows), and for each split in
  /// `splitRows` over the rows it lists.
  ///
  /// A label counts when it is > 0.5; a conversion counts only on a clicked row. Without a click column every row is a
  /// click and exposures are unknown (a click-space file). O(rows + Σ split rows).
  public static func summarize(_ store: ColumnStore, splitRows: [SplitRowList] = []) -> InspectionReport {
    let tally = FunnelTally(store: store)
    var overall = FunnelCounter()
    var byOccasion = [FunnelCounter](repeating: FunnelCounter(), count: store.occasionNames.count)
    var unnamedOccasions: [Int32: FunnelCounter] = [:]
    var byDay = DayFunnelCounters(store.days)
    for row in 0..<store.rowCount {
      let (click, conversion) = tally.labels(row)
      overall.add(click, conversion)
      if let days = store.days { byDay.add(days[row], click, conversion) }
      if let occasions = store.occasions {
        let code = occasions[row]
        if code >= 0 && Int(code) < byOccasion.count {
          byOccasion[Int(code)].add(click, conversion)
        } else {
          unnamedOccasions[code, default: FunnelCounter()].add(click, conversion)
        }
      }
    }
    let days = byDay.sorted().map { DayFunnel(day: $0.day, counts: tally.funnel($0.counter)) }
    var occasions: [OccasionFunnel] = []
    if store.occasions != nil {
      for (code, counter) in byOccasion.enumerated() {
        occasions.append(OccasionFunnel(code: Int32(code), name: store.occasionNames[code], counts: tally.funnel(counter)))
      }
      for code in unnamedOccasions.keys.sorted() {
        occasions.append(OccasionFunnel(code: code, name: "code \(code)", counts: tally.funnel(unnamedOccasions[code]!)))
      }
    }
    let splits = splitRows.map { split -> SplitFunnel in
      var counter = FunnelCounter()
      for row in split.rows {
        let (click, conversion) = tally.labels(Int(row))
        counter.add(click, conversion)
      }
      return SplitFunnel(name: split.name, counts: tally.funnel(counter))
    }
    return InspectionReport(overall: tally.funnel(overall), days: days, occasions: occasions, splits: splits)
  }
}

/// Rows, clicks and conversions seen so far.
struct FunnelCounter {
  var rows = 0
  var clicks = 0
  var conversions = 0

  @inline(__always)
  mutating func add(_ click: Bool, _ conversion: Bool) {
    rows += 1
    if click { clicks += 1 }
    // CVR is conversions among clicks: a conversion on an unclicked row (which
    // ingestion refuses by default) must not count, or CVR is inflated.
    if click && conversion { conversions += 1 }
  }
}

/// Reads a row's labels and turns counters into funnels, knowing whether the
/// store is exposure-space (has clicks) or click-space.
struct FunnelTally {
  let clicks: Column<Float>?
  let conversions: Column<Float>?

  init(store: ColumnStore) {
    clicks = store.clicks
    conversions = store.conversions
  }

  @inline(__always)
  func labels(_ row: Int) -> (click: Bool, conversion: Bool) {
    (clicks.map { $0[row] > 0.5 } ?? true, conversions.map { $0[row] > 0.5 } ?? false)
  }

  func funnel(_ counter: FunnelCounter) -> FunnelCounts {
    FunnelCounts(
      rows: counter.rows, exposures: clicks == nil ? nil : counter.rows, clicks: counter.clicks,
      conversions: counter.conversions)
  }
}

/// Per-day counters: a dense array over [min, max] of the days, since day
/// columns span a few hundred consecutive days and an array beats a hash per
/// row; a dictionary only when the span is absurd (> 2^20 days).
struct DayFunnelCounters {
  private var first = 0
  private var dense: [FunnelCounter] = []
  private var sparse: [Int32: FunnelCounter]? = nil

  init(_ days: Column<Int32>?) {
    guard let days, days.rowCount > 0 else { return }
    var low = Int32.max, high = Int32.min
    for d in days.values {
      low = min(low, d)
      high = max(high, d)
    }
    first = Int(low)
    let span = Int(high) - Int(low) + 1
    if span <= 1 << 20 {
      dense = [FunnelCounter](repeating: FunnelCounter(), count: span)
    } else {
      sparse = [:]
    }
  }

  @inline(__always)
  mutating func add(_ day: Int32, _ click: Bool, _ conversion: Bool) {
    if sparse == nil {
      dense[Int(day) - first].add(click, conversion)
    } else {
      sparse![day, default: FunnelCounter()].add(click, conversion)
    }
  }

  /// The days that have rows, ascending.
  func sorted() -> [(day: Int32, counter: FunnelCounter)] {
    if let sparse { return sparse.keys.sorted().map { ($0, sparse[$0]!) } }
    return dense.enumerated().compactMap { $0.element.rows > 0 ? (Int32($0.offset + first), $0.element) : nil }
  }
}
