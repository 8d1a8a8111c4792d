// Harness (a): bytes as a data file, ingested against a fixed schema that uses
// every column role, then the store read back and the dense columns normalised.
import CVRData
import CVRFileIO
import CVRIngest

/// The schema of the CSV harness: sparse ids by vocab and hashed (one table
/// shared with a sequence), all four normalisations, multi-valued and aligned
/// sequence columns, every label role, day, occasion, truth and an ignored column.
/// Fuzz/corpus/csv holds files written for it.
let fuzzIngestSchemaText = """
  delimiter: ","
  columns:
    - {name: user, role: sparse, hash_buckets: 1000, dim: 4, group: user}
    - {name: item, role: sparse, vocab: 100, dim: 4, table: item, group: item}
    - {name: price, role: dense, normalize: log, group: item}
    - {name: age, role: dense, normalize: standard, group: user}
    - {name: ctx, role: dense, normalize: minmax, group: context}
    - {name: raw, role: dense, normalize: none}
    - {name: tags, role: multi, separator: "|", max_values: 3, vocab: 50, pooling: mean}
    - {name: hist, role: sequence, separator: "|", max_length: 3, keep: last, vocab: 100, table: item}
    - {name: hist_cat, role: sequence, separator: "|", max_length: 3, keep: last, vocab: 20, align_with: hist}
    - {name: first2, role: sequence, separator: ";", max_length: 2, keep: first, hash_buckets: 64}
    - {name: click, role: click}
    - {name: buy, role: conversion}
    - {name: cart, role: action}
    - {name: delay, role: delay}
    - {name: day, role: day}
    - {name: occasion, role: occasion}
    - {name: true_cvr, role: truth, truth: cvr}
    - {name: note, role: ignore}
  """

/// Parsed once; a schema the current rules refuse is a broken harness, so it traps.
public let fuzzIngestSchema: DataSchema = {
  do { return try DataSchema.parse(fuzzIngestSchemaText, file: "fuzz-ingest-schema") } catch {
    fatalError("the CSV harness's schema no longer validates: \(error)")
  }
}()

/// Splits the raw input with the package's CSV scanner, then ingests it as a
/// file (strict, then skipping bad rows) with the cache off.
///
/// The scanner runs on the fuzzer's own buffer so that the address sanitizer
/// sees a read one byte past the end (a mapped file hides it inside its last page).
public func fuzzCSV(_ bytes: UnsafeRawBufferPointer) {
  scanAllRows(bytes, delimiter: UInt8(ascii: ","), capacity: 8)
  withScratchFile(bytes, suffix: "csv") { url in
    for skipBadRows in [false, true] {
      let options = IngestOptions(skipBadRows: skipBadRows, useCache: false)
      guard let result = try? DataIngest.load(url, schema: fuzzIngestSchema, options: options) else { continue }
      readBack(result.store)
    }
  }
}

/// Every row of `bytes` split and every stored field's bytes read.
func scanAllRows(_ bytes: UnsafeRawBufferPointer, delimiter: UInt8, capacity: Int) {
  var scanner = CSVScanner(bytes: bytes, delimiter: delimiter)
  scanner.skipByteOrderMark()
  let fields = UnsafeMutablePointer<FieldSlice>.allocate(capacity: capacity)
  defer { fields.deallocate() }
  var checksum: UInt8 = 0
  while true {
    switch scanner.nextRow(into: fields, capacity: capacity) {
    case .end: return
    case .malformed: continue
    case .row(let count, _):
      for i in 0..<min(count, capacity) {
        let p = scanner.pointer(fields[i])
        for j in 0..<fields[i].count { checksum &+= p[j] }
      }
      fuzzConsume(checksum)
    }
  }
}

/// Reads every value of every column and fits and applies the normaliser on
/// all rows: what the first epoch would touch.
func readBack(_ store: ColumnStore) {
  var sum: Int64 = 0
  for column in [store.ids, store.lists, store.lengths].flatMap(\.values) + [store.days, store.occasions].compactMap({ $0 }) {
    for v in column.values { sum &+= Int64(v) }
  }
  var total: Float = 0
  for column in [store.dense, store.labels, store.truth].flatMap(\.values) {
    for v in column.values { total += v }
  }
  let rows = (0..<store.rowCount).map { Int32($0) }
  guard let normalizer = try? DenseNormalizer(store: store, rows: rows) else { return }
  for (index, spec) in store.schema.columns(.dense).enumerated() {
    guard let column = store.dense[spec.name] else { continue }
    for v in column.values { total += normalizer.apply(v, column: index) }
  }
  fuzzConsume((sum, total))
}

/// Keeps the optimizer from dropping reads whose result is otherwise unused
/// (the sanitizer checks only reads that happen).
@_optimize(none)
func fuzzConsume<T>(_ value: T) {}
