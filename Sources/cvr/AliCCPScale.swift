// `cvr data generate --world ali-ccp-scale`: a ScaleLogWorld in the processed
// Ali-CCP layout (AliCCP.header) with the public set's rates, for scale runs.
import CVRData
import CVRFileIO
import CVRIngest
import CVRSimulation
import Foundation

enum AliCCPScale {
  /// Distinct ids per kept field: orders of magnitude of the public set's
  /// (user 101 ≈ 0.24 M, item 205 ≈ 0.47 M, shop 207 ≈ 0.26 M, brand 216 ≈ 0.08 M,
  /// the user profile fields a handful each), approximate, not read from the data:
  /// they size the embedding rows a run touches and the ids' skew, nothing else.
  static let vocabularies: [String: Int] = [
    "101": 240_000, "121": 98, "122": 14, "124": 3, "125": 8, "126": 4, "127": 4, "128": 3, "129": 5,
    "205": 470_000, "206": 7_000, "207": 260_000, "216": 80_000, "508": 5_000, "509": 170_000,
    "702": 40_000, "853": 50_000, "301": 3,
  ]
  /// Ali-CCP's rates (Ma et al. 2018, Table 1: 84 M impressions, 3.4 M clicks, 18 k
  /// conversions in the training set): CTR ≈ 4 %, conversions ≈ 0.5 % of clicks.
  static let clickRate = 0.04, conversionPerClick = 0.005

  static func config(rows: Int) -> ScaleLogWorld.Config {
    ScaleLogWorld.Config(
      fields: AliCCP.fields.map { ($0, vocabularies[$0]!) }, clickColumn: AliCCP.clickColumn,
      conversionColumn: AliCCP.conversionColumn, rows: rows, clickRate: clickRate, conversionPerClick: conversionPerClick)
  }

  /// train.csv (`rows`), test.csv (`rows / 10`, another row stream of the same world) and schema.yaml in `directory`.
  static func write(rows: Int, seed: UInt64, to directory: URL) throws -> [URL] {
    let train = directory.appendingPathComponent("train.csv"), test = directory.appendingPathComponent("test.csv")
    let schema = directory.appendingPathComponent("schema.yaml")
    // One world (seed), two row streams: the test file is drawn from the world the training file is.
    for (url, count, stream) in [(train, rows, UInt64(0)), (test, max(rows / 10, 1), UInt64(1))] {
      let written = try ScaleLogWorld.write(config(rows: count), seed: seed, stream: stream, to: url)
      let percent = { (v: Double) in String(format: "%.2f %%", 100 * v) }
      print("\(url.lastPathComponent): \(written.rows) impressions, \(written.clicks) clicks (CTR \(percent(written.ctr))), "
        + "\(written.conversions) conversions (\(percent(written.conversionPerClick)) of clicks)")
    }
    try AtomicFile.write(Data(try AliCCP.lineageSchema.yaml().utf8), to: schema)
    return [train, test, schema]
  }
}
