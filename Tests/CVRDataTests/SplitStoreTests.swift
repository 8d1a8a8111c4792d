// The hand-made 30-row store shared by the split, normaliser and batch tests
// (every count in those tests follows from the rules written here), and a check of its shape.
import CVRData
import Testing

/// 30 rows, 3 per day over days 100...109 (row r is on day 100 + r/3).
/// Occasions by day: 100–103 → 0, 104–105 → 1, 106–109 → 2.
/// click = 1 on even rows; buy = 1 on rows 0, 6, 12, 13 (unclicked), 20, 22, 26.
/// Splits used by the tests: train 100...106 (rows 0–20), recent 104...106
/// (rows 12–20), valid 107...109 (rows 21–29).
enum SplitTestStore {
  static let purchases: Set<Int> = [0, 6, 12, 13, 20, 22, 26]
  static let train = DayRange(100, 106), recent = DayRange(104, 106), valid = DayRange(107, 109)

  static let schema = DataSchema(columns: {
    var user = ColumnSpec("user", role: .sparse); user.vocab = 10
    var item = ColumnSpec("item", role: .sparse); item.vocab = 10
    var price = ColumnSpec("price", role: .dense); price.normalize = .standard
    var age = ColumnSpec("age", role: .dense); age.normalize = .minmax
    var count = ColumnSpec("count", role: .dense); count.normalize = .log
    var raw = ColumnSpec("raw", role: .dense)
    var flat = ColumnSpec("flat", role: .dense); flat.normalize = .minmax
    var tags = ColumnSpec("tags", role: .multi); tags.vocab = 40; tags.separator = "|"; tags.maxValues = 3
    var hist = ColumnSpec("hist", role: .sequence); hist.vocab = 10; hist.separator = "|"; hist.maxLength = 4
    var truth = ColumnSpec("true_cvr", role: .truth); truth.truth = .cvr
    return [user, item, price, age, count, raw, flat, tags, hist,
            ColumnSpec("click", role: .click), ColumnSpec("buy", role: .conversion), ColumnSpec("cart", role: .action),
            ColumnSpec("delay", role: .delay), ColumnSpec("day", role: .day), ColumnSpec("occasion", role: .occasion),
            truth]
  }())

  static func occasion(day: Int) -> Int32 { day <= 103 ? 0 : day <= 105 ? 1 : 2 }
  static func tagLength(_ r: Int) -> Int { min(r % 4, 3) }
  static func histLength(_ r: Int) -> Int { r % 5 }

  /// The store; `withClicks: false` drops the click column (click-space data).
  static func make(withClicks: Bool = true, withDays: Bool = true, price: (Int) -> Float = { Float($0) }) -> ColumnStore {
    var schema = Self.schema
    if !withClicks { schema.columns.removeAll { $0.role == .click } }
    if !withDays { schema.columns.removeAll { $0.role == .day } }
    let n = 30
    var store = ColumnStore(schema: schema, rowCount: n)
    func ints(_ f: (Int) -> Int32) -> Column<Int32> {
      let b = ColumnBuffer<Int32>(count: n, repeating: 0)
      for r in 0..<n { b.storage[r] = f(r) }
      return b.column()
    }
    func floats(_ f: (Int) -> Float) -> Column<Float> {
      let b = ColumnBuffer<Float>(count: n, repeating: 0)
      for r in 0..<n { b.storage[r] = f(r) }
      return b.column()
    }
    func list(width: Int, length: (Int) -> Int, id: (Int, Int) -> Int32) -> (Column<Int32>, Column<Int32>) {
      let b = ColumnBuffer<Int32>(count: n * width, repeating: -1)
      for r in 0..<n { for j in 0..<length(r) { b.storage[r * width + j] = id(r, j) } }
      return (b.column(width: width), ints { Int32(length($0)) })
    }
    store.ids["user"] = ints { Int32($0 % 10) }
    store.ids["item"] = ints { Int32(($0 * 7) % 10) }
    store.dense["price"] = floats(price)
    store.dense["age"] = floats { $0 < 21 ? Float($0 % 7) : 100 }
    store.dense["count"] = floats { Float($0) - 5 }
    store.dense["raw"] = floats { Float(2 * $0) }
    store.dense["flat"] = floats { $0 < 21 ? 5 : 9 }
    (store.lists["tags"], store.lengths["tags"]) = list(width: 3, length: tagLength) { r, j in Int32(r + j) }
    (store.lists["hist"], store.lengths["hist"]) = list(width: 4, length: histLength) { r, j in Int32((r + j) % 10) }
    if withClicks { store.labels["click"] = floats { $0 % 2 == 0 ? 1 : 0 } }
    store.labels["buy"] = floats { purchases.contains($0) ? 1 : 0 }
    store.labels["cart"] = floats { $0 % 3 == 0 ? 1 : 0 }
    store.labels["delay"] = floats { Float($0) * 0.5 }
    if withDays { store.days = ints { Int32(100 + $0 / 3) } }
    store.occasions = ints { occasion(day: 100 + $0 / 3) }
    store.occasionNames = ["BP", "DP", "AP"]
    store.truth["true_cvr"] = floats { Float($0) / 100 }
    return store
  }

  static func splits(_ store: ColumnStore = make()) throws -> DataSplits {
    try DataSplits(store: store, train: train, recent: recent, valid: valid)
  }
}

@Suite struct SplitStoreTests {
  @Test func theFixtureHasTheShapeTheOtherTestsCountOn() {
    let store = SplitTestStore.make()
    #expect(store.rowCount == 30 && store.days?.rowCount == 30)
    #expect(store.lists["hist"]?.width == 4 && store.lists["tags"]?.width == 3)
    // Row 7: day 102 (occasion 0), unclicked, hist length 2 = [7, 8, −1, −1].
    #expect(store.days?[7] == 102 && store.occasions?[7] == 0 && store.clicks?[7] == 0)
    #expect(Array(store.lists["hist"]!.row(7)) == [7, 8, -1, -1] && store.lengths["hist"]?[7] == 2)
  }
}
