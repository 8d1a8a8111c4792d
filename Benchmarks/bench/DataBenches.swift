// D1: parse a generated ~60 MB CSV (20 sparse, 8 dense, a 50-long sequence,
// labels, day) without the cache; D2: load the same file from its cache.
import CVRCore
import CVRData
import CVRIngest
import CVRKernels
import Foundation

/// A seeded CSV of realistic shape in a temporary directory, and its schema.
final class DataProblem {
  static let rows = 120_000
  static let (sparseCount, denseCount, sequenceLength) = (20, 8, 50)
  let directory: URL
  let csv: URL
  let schema: DataSchema
  let csvBytes: Int
  /// item ids of the first row's sequence and the first dense value, for the check.
  let firstSequence: [Int32]
  let firstDense: Float

  init(seed: UInt64) {
    directory = FileManager.default.temporaryDirectory.appendingPathComponent("cvr-bench-data-\(seed)")
    try? FileManager.default.removeItem(at: directory)
    try! FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    csv = directory.appendingPathComponent("bench.csv")
    schema = Self.makeSchema()
    let columns = schema.columns

    var rng = SeededGenerator(seed: seed)
    var text: [UInt8] = []
    text.reserveCapacity(Self.rows * 520)
    text += Array(columns.map(\.name).joined(separator: ",").utf8) + [10]
    func number(_ value: Int) { text += Array(String(value).utf8) }
    var firstSequence: [Int32] = []
    var firstDense: Float = 0
    for row in 0..<Self.rows {
      for k in 0..<Self.sparseCount {
        if k % 2 == 1 { text += Array("u".utf8) }
        number(Int(rng.next() % 100_000))
        text.append(44)
      }
      for k in 0..<Self.denseCount {
        let value = Float(Int(rng.next() % 2_000_000) - 1_000_000) / 10_000  // 4 decimals, like a logged price
        if row == 0 && k == 0 { firstDense = value }
        text += Array(String(format: "%.4f", value).utf8)
        text.append(44)
      }
      let length = 20 + Int(rng.next() % UInt64(Self.sequenceLength - 19))
      for j in 0..<length {
        let id = Int(rng.next() % 100_000)
        if row == 0 { firstSequence.append(Int32(id)) }
        if j > 0 { text.append(124) }
        number(id)
      }
      let click = rng.next() % 10 == 0
      text += Array(",\(click ? 1 : 0),\(click && rng.next() % 5 == 0 ? 1 : 0),\(19_700 + row % 60)\n".utf8)
    }
    try! Data(text).write(to: csv)
    csvBytes = text.count
    self.firstSequence = firstSequence
    self.firstDense = firstDense
  }

  /// 20 sparse ids (half integer ids in a vocab, half hashed text), 8 dense, a 50-long sequence, labels, day.
  static func makeSchema() -> DataSchema {
    var columns: [ColumnSpec] = []
    for k in 0..<Self.sparseCount {
      var c = ColumnSpec("s\(k)", role: .sparse)
      // Half integer ids checked against a vocab, half hashed text.
      if k % 2 == 0 { c.vocab = 100_000 } else { c.hashBuckets = 50_000 }
      columns.append(c)
    }
    for k in 0..<Self.denseCount { columns.append(ColumnSpec("d\(k)", role: .dense)) }
    var sequence = ColumnSpec("hist", role: .sequence)
    sequence.vocab = 100_000
    sequence.separator = "|"
    sequence.maxLength = Self.sequenceLength
    columns += [sequence, ColumnSpec("click", role: .click), ColumnSpec("buy", role: .conversion), ColumnSpec("day", role: .day)]
    return DataSchema(columns: columns)
  }

  deinit { try? FileManager.default.removeItem(at: directory) }

  var shape: String { "\(Self.rows) rows, \(Self.sparseCount) sparse + \(Self.denseCount) dense + seq \(Self.sequenceLength), \(csvBytes >> 20) MB" }

  func parse() -> IngestResult { try! DataIngest.load(csv, schema: schema, options: .init(useCache: false)) }
  func reload() -> IngestResult { try! DataIngest.load(csv, schema: schema) }

  /// The cache file's size (written by a first cached load).
  lazy var cacheBytes: Int = {
    _ = reload()
    let url = directory.appendingPathComponent(".cvrcache/bench.csv.cvrcols")
    return (try? FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int) ?? 0
  }()

  /// Row count, the first row's sequence and dense value, and the source of the columns.
  func check(_ result: IngestResult, fromCache: Bool) -> String? {
    let store = result.store
    guard store.rowCount == Self.rows else { return "rows \(store.rowCount), expected \(Self.rows)" }
    guard result.report.fromCache == fromCache else { return "fromCache \(result.report.fromCache), expected \(fromCache)" }
    let sequence = Array(store.lists["hist"]!.row(0).prefix(firstSequence.count).suffix(Self.sequenceLength))
    guard sequence == firstSequence else { return "first sequence differs" }
    guard store.dense["d0"]![0] == firstDense else { return "d0[0] = \(store.dense["d0"]![0]), expected \(firstDense)" }
    return nil
  }
}

enum DataBenches {
  static func cases() -> [BenchCase] {
    let problem = DataProblem(seed: 41)
    let cacheBytes = Double(problem.cacheBytes)
    return [
      // Bytes: the CSV read (report MB/s = GB/s × 1000).
      BenchCase(name: "D1-ingest", shape: problem.shape, flops: 0, run: { _ = problem.parse() },
                check: { problem.check(problem.parse(), fromCache: false) }, bytes: Double(problem.csvBytes),
                rows: Double(DataProblem.rows)),
      // Bytes: the cache mapped (its source key costs one CRC32 read of the CSV).
      BenchCase(name: "D2-reload", shape: problem.shape + ", cache \(problem.cacheBytes >> 20) MB", flops: 0,
                run: { _ = problem.reload() }, check: { problem.check(problem.reload(), fromCache: true) },
                bytes: cacheBytes, rows: Double(DataProblem.rows)),
    ]
  }
}
