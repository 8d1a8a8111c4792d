// Dense normalisation: each mode against a hand computation, statistics from
// the training rows only, and a Codable round trip.
import CVRData
import Foundation
import Testing

@Suite struct NormalizerTests {
  static func fitted(_ store: ColumnStore = SplitTestStore.make()) throws -> DenseNormalizer {
    try DenseNormalizer(store: store, rows: try SplitTestStore.splits(store).rows(.train, space: .exposure))
  }

  @Test func eachModeByHand() throws {
    let normalizer = try Self.fitted()
    #expect(normalizer.entries.map(\.name) == ["price", "age", "count", "raw", "flat"])
    // price = r on train rows 0–20: mean 10, population variance (21² − 1)/12 = 36.67.
    let price = normalizer.entries[0]
    #expect(price.mode == .standard && price.mean == 10)
    #expect(abs(price.std - (440.0 / 12).squareRoot()) < 1e-12)
    #expect(abs(normalizer.apply(16, column: 0) - Float(6 / (440.0 / 12).squareRoot())) < 1e-6)
    // age = r mod 7 on train rows: min 0, max 6; a valid row's 100 maps past 1 (no clipping).
    #expect(normalizer.entries[1].min == 0 && normalizer.entries[1].max == 6)
    #expect(normalizer.apply(3, column: 1) == 0.5 && normalizer.apply(100, column: 1) == Float(100.0 / 6))
    // log: log1p(max(x, 0)); negatives map to 0.
    #expect(normalizer.apply(-4, column: 2) == 0)
    #expect(normalizer.apply(Float(M_E - 1), column: 2) == 1)
    // none: unchanged.
    #expect(normalizer.apply(-7.25, column: 3) == -7.25)
    // minmax over a constant training column: range 0, every value → 0.
    #expect(normalizer.apply(5, column: 4) == 0 && normalizer.apply(9, column: 4) == 0)
  }

  @Test func standardDeviationIsFloored() throws {
    var spec = ColumnSpec("c", role: .dense)
    spec.normalize = .standard
    var store = ColumnStore(schema: DataSchema(columns: [spec]), rowCount: 3)
    let buffer = ColumnBuffer<Float>(count: 3, repeating: 2)
    store.dense["c"] = buffer.column()
    let normalizer = try DenseNormalizer(store: store, rows: [0, 1])
    #expect(normalizer.entries[0].std == 0)
    // (2.5 − 2) / 1e-6
    #expect(abs(normalizer.apply(2.5, column: 0) - 500_000) < 0.1)
    #expect(throws: SplitError.self) { try DenseNormalizer(store: store, rows: []) }
  }

  @Test func statisticsComeFromTrainingRowsOnly() throws {
    let base = try Self.fitted()
    // Row 25 is a valid row: changing its price must not move any statistic.
    let changed = try Self.fitted(SplitTestStore.make(price: { $0 == 25 ? 1e6 : Float($0) }))
    #expect(changed == base)
    // Changing a training row does.
    let trainChanged = try Self.fitted(SplitTestStore.make(price: { $0 == 5 ? 1e6 : Float($0) }))
    #expect(trainChanged.entries[0].mean != base.entries[0].mean)
  }

  @Test func bulkApplyMatchesScalarApplyAndRoundTrips() throws {
    let store = SplitTestStore.make()
    let normalizer = try Self.fitted(store)
    let rows: [Int32] = [29, 3, 17, 0]
    var out = [Float](repeating: .nan, count: rows.count * 5)
    for (f, name) in ["price", "age", "count", "raw", "flat"].enumerated() {
      rows.withUnsafeBufferPointer { r in
        out.withUnsafeMutableBufferPointer { normalizer.apply(column: f, of: store.dense[name]!, rows: r, into: $0.baseAddress!, stride: 5) }
      }
      for (b, row) in rows.enumerated() {
        #expect(out[b * 5 + f] == normalizer.apply(store.dense[name]![Int(row)], column: f))
      }
    }
    let decoded = try JSONDecoder().decode(DenseNormalizer.self, from: JSONEncoder().encode(normalizer))
    #expect(decoded == normalizer)
  }
}
