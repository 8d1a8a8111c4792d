// The leakage screen: a near-copy and a hashed copy of a label are caught, an
// id column of unique values and the simulated worlds (the demo's included)
// are not, and allow_leakage lets a named column through.
import CVRCore
import CVRData
@testable import CVRIngest
import CVRSimulation
import Foundation
import Testing

@Suite struct LeakageScreenTests {
  static let schema = """
    columns:
      - {name: id, role: sparse, hash_buckets: 100000}
      - {name: noise, role: dense}
      - {name: leak, role: LEAKROLE}
      - {name: click, role: click}
      - {name: buy, role: conversion}
    """

  /// 2 000 rows: random clicks (p 0.3), conversions among clicks (p 0.3), a
  /// unique id, a noise column and `leak(row, click, buy)`.
  static func csv(_ leak: (Int, Bool, Bool) -> String) -> String {
    var rng = SeededGenerator(seed: 11)
    var text = "id,noise,leak,click,buy\n"
    for row in 0..<2_000 {
      let click = rng.nextUnitFloat() < 0.3
      let buy = click && rng.nextUnitFloat() < 0.3
      text += "u\(row),\(rng.nextUnitFloat()),\(leak(row, click, buy)),\(click ? 1 : 0),\(buy ? 1 : 0)\n"
    }
    return text
  }

  static func refusal(_ csv: String, role: String, allow: Bool = false) -> DataError? {
    var schema = Self.schema.replacingOccurrences(of: "LEAKROLE", with: role)
    if allow { schema = "allow_leakage: [leak]\n" + schema }
    do {
      _ = try IngestFixture.load(csv, schema: schema)
      return nil
    } catch let error as DataError {
      return error
    } catch {
      Issue.record("unexpected \(error)")
      return nil
    }
  }

  @Test func aNearCopyOfTheLabelIsCaught() throws {
    // The click, except on row 7: not an exact copy, so the old check passed it.
    let csv = Self.csv { row, click, _ in (click != (row == 7)) ? "1" : "0" }
    let error = try #require(Self.refusal(csv, role: "dense"))
    #expect(error.column == "leak")
    #expect(error.reason.hasPrefix("feature 'leak' alone predicts label 'click' almost perfectly (AUC 0.99"), "\(error)")
    #expect(error.reason.contains("on 2000 sampled rows; the limit is 0.99"), "\(error)")
    #expect(error.reason.contains("allow_leakage"))
  }

  @Test func aHashedCopyOfTheLabelIsCaught() throws {
    // The conversion label spelled as an id and hashed into a sparse column.
    let csv = Self.csv { _, _, buy in buy ? "bought" : "none" }
    let error = try #require(Self.refusal(csv, role: "sparse, hash_buckets: 1000"))
    #expect(error.column == "leak")
    #expect(error.reason.hasPrefix("feature 'leak' alone predicts label 'buy' almost perfectly (AUC 1.0000 on"), "\(error)")
  }

  @Test func anInvertedDenseCopyIsCaught() throws {
    let csv = Self.csv { _, click, _ in click ? "-3" : "5" }
    let error = try #require(Self.refusal(csv, role: "dense"))
    #expect(error.reason.contains("label 'click'"), "\(error)")
  }

  @Test func allowLeakageLetsTheNamedColumnThrough() {
    let csv = Self.csv { row, click, _ in (click != (row == 7)) ? "1" : "0" }
    #expect(Self.refusal(csv, role: "dense", allow: true) == nil)
  }

  @Test func uniqueIdsAndNoiseAreNotFlagged() throws {
    let csv = Self.csv { row, _, _ in "item\(row)" }
    #expect(Self.refusal(csv, role: "sparse, hash_buckets: 100000") == nil)
    let numeric = Self.csv { row, _, _ in "\(row % 7)" }
    let result = try IngestFixture.load(numeric, schema: Self.schema.replacingOccurrences(of: "LEAKROLE", with: "dense"))
      .store
    let worst = LeakageScreen.screen(result).map(\.auc).max() ?? 0
    #expect(worst < 0.7, "noise columns scored \(worst)")
  }

  @Test func theSampleIsSeededAndBounded() {
    let a = LeakageScreen.sample(rowCount: 1_000_000)
    let b = LeakageScreen.sample(rowCount: 1_000_000)
    #expect(a.rows.count == LeakageScreen.sampleSize)
    #expect(a.rows == b.rows && a.inFirstHalf == b.inFirstHalf)
    #expect(zip(a.rows, a.rows.dropFirst()).allSatisfy { $0 < $1 })
  }

  /// The demo world (DDFWorld.small, seed 42, what `train-metacvr --demo` writes)
  /// and the selection-bias world load: their features are predictive, not leaks.
  @Test func theSimulatedWorldsPass() throws {
    let dir = IngestFixture.directory()
    defer { try? FileManager.default.removeItem(at: dir) }
    for name in ["ddf", "bias"] {
      try FileManager.default.createDirectory(at: dir.appendingPathComponent(name), withIntermediateDirectories: true)
    }
    let ddf = try DDFWorld.write(.small, seed: 42, to: dir.appendingPathComponent("ddf"))
    let bias = try SelectionBiasWorld.write(.small, seed: 3, to: dir.appendingPathComponent("bias"))
    for files in [ddf, bias] {
      let schema = try DataSchema.load(from: files.schema)
      let loaded = try DataIngest.load(files.data, schema: schema, schemaDirectory: files.schema.deletingLastPathComponent(),
                                       options: .init(useCache: false))
      let worst = LeakageScreen.screen(loaded.store).max { $0.auc < $1.auc }
      #expect((worst?.auc ?? 0) < 0.95, "\(files.data.path): \(String(describing: worst))")
    }
  }
}
