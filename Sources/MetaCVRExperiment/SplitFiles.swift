// D, D_r and D_v as three files instead of day ranges of one file: each file is
// read and checked with the same schema, then the rows are put end to end in one
// store whose day column says which file a row came from.
import CVRData
import CVRIngest
import Foundation

/// `--train-file`, `--recent-file`, `--valid-file`.
///
/// Rule: D is the train file's rows followed by the recent file's rows (the
/// recent file is the end of the training period and is not repeated in the
/// train file), D_r is the recent file's rows, D_v the valid file's. No day
/// column is needed; if the schema has one, its values are kept nowhere: the
/// splits are the files. Occasion codes are merged by name.
package enum SplitFiles {
  /// The day given to each file's rows, and the ranges that cut them apart again.
  package static let trainDay: Int32 = 0, recentDay: Int32 = 1, validDay: Int32 = 2
  package static let ranges = (train: DayRange(0, 1), recent: DayRange(1, 1), valid: DayRange(2, 2))
  /// A train file and a test file (`ExperimentConfig.testFile`): day 0 trains (it is
  /// D and D_r, which such protocols do not use apart), day 1 (`validDay` − 1) is evaluated.
  package static let trainTestRanges = (train: DayRange(0, 0), recent: DayRange(0, 0), valid: DayRange(1, 1))

  /// Reads the three files (each with its own file:line errors) and joins them;
  /// also returns each file's ingestion warnings, prefixed with its path.
  package static func load(train: URL, recent: URL, valid: URL, schema: DataSchema,
                           schemaDirectory: URL) throws -> (store: ColumnStore, warnings: [String]) {
    let files = [train, recent, valid]
    let loaded = try files.map { try DataIngest.load($0, schema: schema, schemaDirectory: schemaDirectory) }
    let warnings = zip(files, loaded).flatMap { file, result in result.report.warnings.map { "\(file.path): \($0)" } }
    let store = try concatenate(loaded.map(\.store), days: [trainDay, recentDay, validDay],
                                files: files.map(\.path))
    return (store, warnings)
  }

  /// Reads a train file and a test file and joins them (rows of the test file on day 1).
  package static func load(train: URL, test: URL, schema: DataSchema,
                           schemaDirectory: URL) throws -> (store: ColumnStore, warnings: [String]) {
    let files = [train, test]
    let loaded = try files.map { try DataIngest.load($0, schema: schema, schemaDirectory: schemaDirectory) }
    let warnings = zip(files, loaded).flatMap { file, result in result.report.warnings.map { "\(file.path): \($0)" } }
    return (try concatenate(loaded.map(\.store), days: [0, 1], files: files.map(\.path)), warnings)
  }

  /// The stores' rows end to end, `days[i]` as the day of every row of store i.
  package static func concatenate(_ stores: [ColumnStore], days: [Int32], files: [String]) throws -> ColumnStore {
    precondition(!stores.isEmpty && stores.count == days.count && days.count == files.count)
    let schema = stores[0].schema
    let total = stores.reduce(0) { $0 + $1.rowCount }
    var joined = ColumnStore(schema: schema, rowCount: total)

    func join<T>(_ pick: (ColumnStore) -> [String: Column<T>], zero: T) throws -> [String: Column<T>] {
      var out: [String: Column<T>] = [:]
      for (name, first) in pick(stores[0]) {
        let width = first.width
        let buffer = ColumnBuffer<T>(count: total * width, repeating: zero)
        var offset = 0
        for (store, file) in zip(stores, files) {
          guard let column = pick(store)[name], column.width == width else {
            throw SplitError("\(file): column '\(name)' does not have the layout of the first file's (same schema expected)")
          }
          _ = UnsafeMutableBufferPointer(rebasing: buffer.storage[offset..<(offset + column.values.count)])
            .initialize(from: column.values)
          offset += column.values.count
        }
        out[name] = buffer.column(width: width)
      }
      return out
    }
    joined.ids = try join(\.ids, zero: 0)
    joined.lists = try join(\.lists, zero: 0)
    joined.lengths = try join(\.lengths, zero: 0)
    joined.dense = try join(\.dense, zero: 0)
    joined.labels = try join(\.labels, zero: 0)
    joined.truth = try join(\.truth, zero: 0)

    let dayBuffer = ColumnBuffer<Int32>(count: total, repeating: 0)
    var row = 0
    for (store, day) in zip(stores, days) {
      for _ in 0..<store.rowCount {
        dayBuffer.storage[row] = day
        row += 1
      }
    }
    joined.days = dayBuffer.column()

    if stores.contains(where: { $0.occasions != nil }) {
      // Codes are per file (first appearance) unless the schema fixes them: merge by name.
      var names: [String] = []
      for store in stores { for name in store.occasionNames where !names.contains(name) { names.append(name) } }
      let codes = ColumnBuffer<Int32>(count: total, repeating: 0)
      var at = 0
      for (store, file) in zip(stores, files) {
        guard let occasions = store.occasions else {
          throw SplitError("\(file): no occasion codes, but another file has them (same schema expected)")
        }
        let remap = store.occasionNames.map { Int32(names.firstIndex(of: $0)!) }
        for r in 0..<store.rowCount {
          codes.storage[at] = remap[Int(occasions[r])]
          at += 1
        }
      }
      joined.occasions = codes.column()
      joined.occasionNames = names
    }
    return joined
  }
}
