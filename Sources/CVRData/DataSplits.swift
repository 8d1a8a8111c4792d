// The training, recent and validation rows of a column store (MetaCVR §3.1.1),
// in the exposure space or the click space, with per-day and per-occasion views.

/// Row lists of the three splits, computed once from the day column.
///
/// MetaCVR's setting: D = 01/15–03/15 (train), D_r = 03/01–03/15 (recent, inside D),
/// D_v = 03/16–03/31 (valid). Row lists are ascending row indices into the store.
public struct DataSplits: Sendable {
  public let store: ColumnStore
  public let train: DayRange
  public let recent: DayRange
  public let valid: DayRange
  /// rowLists[split][space], ascending.
  private let rowLists: [Split: [Space: [Int32]]]

  /// Cuts the store by day.
  ///
  /// Throws `SplitError` when the store has no day column, a range is empty or
  /// inverted, the recent range is not inside the training range, or the
  /// validation range shares a day with the training range (that would leak).
  public init(store: ColumnStore, train: DayRange, recent: DayRange, valid: DayRange) throws {
    guard let days = store.days else {
      throw SplitError("the data has no day column (give one column role: day)")
    }
    for (name, range) in [("train", train), ("recent", recent), ("valid", valid)] where range.isEmpty {
      throw SplitError("the \(name) range \(range) is empty or inverted (lower must be <= upper)")
    }
    guard train.contains(recent) else {
      throw SplitError("the recent range \(recent) must lie inside the train range \(train)")
    }
    guard !train.overlaps(valid) else {
      throw SplitError("the valid range \(valid) overlaps the train range \(train)")
    }
    self.store = store
    self.train = train
    self.recent = recent
    self.valid = valid

    let clicks = store.clicks
    var trainAll: [Int32] = [], trainClick: [Int32] = []
    var recentAll: [Int32] = [], recentClick: [Int32] = []
    var validAll: [Int32] = [], validClick: [Int32] = []
    for row in 0..<store.rowCount {
      let day = days[row]
      let clicked = clicks.map { $0[row] > 0.5 } ?? true
      let r = Int32(row)
      if train.contains(day) {
        trainAll.append(r)
        if clicked { trainClick.append(r) }
        if recent.contains(day) {
          recentAll.append(r)
          if clicked { recentClick.append(r) }
        }
      } else if valid.contains(day) {
        validAll.append(r)
        if clicked { validClick.append(r) }
      }
    }
    rowLists = [
      .train: [.exposure: trainAll, .click: trainClick],
      .recent: [.exposure: recentAll, .click: recentClick],
      .valid: [.exposure: validAll, .click: validClick],
    ]
  }

  /// The day range of a split.
  public func range(_ split: Split) -> DayRange {
    switch split {
    case .train: train
    case .recent: recent
    case .valid: valid
    }
  }

  /// Ascending row indices of `split` in `space` (click space: clicked rows, or
  /// every row when the data has no click column, i.e. it is already click-space data).
  public func rows(_ split: Split, space: Space) -> [Int32] { rowLists[split]![space]! }

  /// The rows of `split` in `space` whose occasion code is `occasion` (empty when the data has no occasion column).
  public func rows(_ split: Split, space: Space, occasion: Int32) -> [Int32] {
    guard let occasions = store.occasions else { return [] }
    return rows(split, space: space).filter { occasions[Int($0)] == occasion }
  }

  /// The rows of `split` in `space` on day `day` (empty when the day is outside the split).
  public func rows(_ split: Split, space: Space, day: Int32) -> [Int32] {
    guard range(split).contains(day), let days = store.days else { return [] }
    return rows(split, space: space).filter { days[Int($0)] == day }
  }

  /// Rows of `split` in `space` grouped by occasion code.
  public func rowsByOccasion(_ split: Split, space: Space) -> [Int32: [Int32]] {
    guard let occasions = store.occasions else { return [:] }
    var groups: [Int32: [Int32]] = [:]
    for row in rows(split, space: space) { groups[occasions[Int(row)], default: []].append(row) }
    return groups
  }

  /// Rows of `split` in `space` grouped by day.
  public func rowsByDay(_ split: Split, space: Space) -> [Int32: [Int32]] {
    guard let days = store.days else { return [:] }
    var groups: [Int32: [Int32]] = [:]
    for row in rows(split, space: space) { groups[days[Int(row)], default: []].append(row) }
    return groups
  }

  /// The distinct days with at least one row in `split`, ascending.
  public func days(_ split: Split) -> [Int32] {
    guard let days = store.days else { return [] }
    return Set(rows(split, space: .exposure).map { days[Int($0)] }).sorted()
  }

  /// Whether row `row` was clicked (true for every row when the data has no click column).
  @inline(__always) public func isClicked(_ row: Int32) -> Bool {
    store.clicks.map { $0[Int(row)] > 0.5 } ?? true
  }
}
