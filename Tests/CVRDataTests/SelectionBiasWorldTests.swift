// SelectionBiasWorld: reproducible bytes, a schema that loads, covariate shift
// between clicked and unclicked rows, a biased click-space CVR, and truth
// columns that are proper probabilities with some small propensities.
import CVRData
import CVRSimulation
import Foundation
import Testing

@Suite struct SelectionBiasWorldTests {
  static let config = SelectionBiasWorld.Config.tiny

  @Test func sameSeedSameBytesOtherSeedOtherBytes() throws {
    let a = try SelectionBiasWorld.write(Self.config, seed: 1, to: try SimTest.directory("sb-a"))
    let b = try SelectionBiasWorld.write(Self.config, seed: 1, to: try SimTest.directory("sb-b"))
    let c = try SelectionBiasWorld.write(Self.config, seed: 2, to: try SimTest.directory("sb-c"))
    #expect(a.calendar == nil)
    let bytesA = try SimTest.bytes([a.data, a.schema])
    #expect(bytesA == (try SimTest.bytes([b.data, b.schema])))
    #expect(a.summary == b.summary)
    #expect(bytesA[0] != (try Data(contentsOf: c.data)))
  }

  @Test func schemaParsesAndMatchesTheHeader() throws {
    let files = try SelectionBiasWorld.write(Self.config, seed: 4, to: try SimTest.directory("sb-schema"))
    let schema = try DataSchema.load(from: files.schema)
    #expect(schema.columns(.truth).map(\.truth) == [.ctr, .cvr, .potentialConversion])
    #expect(schema.columns(.click).count == 1 && schema.columns(.conversion).count == 1)
    let table = try SimTest.read(files.data)
    #expect(table.header == schema.columns.map(\.name))
    #expect(table.rows.count == Self.config.exposures)
    #expect(table.rows.allSatisfy { $0.count == table.header.count })
    #expect(table.int(table.rows.last!, "day") == Self.config.days - 1)
  }

  /// Clicked rows are a shifted sample: covariate means differ between the spaces,
  /// and the summary's means agree with the CSV.
  @Test func clickedAndUnclickedCovariatesDiffer() throws {
    let files = try SelectionBiasWorld.write(Self.config, seed: 6, to: try SimTest.directory("sb-shift"))
    let table = try SimTest.read(files.data)
    var sum = (clicked: 0.0, unclicked: 0.0), count = (clicked: 0, unclicked: 0)
    for row in table.rows {
      if table.int(row, "click") == 1 {
        sum.clicked += table.double(row, "user_activity"); count.clicked += 1
      } else {
        sum.unclicked += table.double(row, "user_activity"); count.unclicked += 1
      }
    }
    let activity = try #require(files.summary.covariates.first { $0.name == "user_activity" })
    #expect(abs(activity.clicked - sum.clicked / Double(count.clicked)) < 1e-3)
    #expect(abs(activity.unclicked - sum.unclicked / Double(count.unclicked)) < 1e-3)
    // Activity (unit variance) and affinity push clicks: shifts of several tenths of a standard deviation.
    #expect(activity.clicked - activity.unclicked > 0.3)
    let affinity = try #require(files.summary.covariates.first { $0.name == "user_item_affinity" })
    #expect(affinity.clicked - affinity.unclicked > 0.3)
  }

  /// The CVR measured on clicks is not the CVR of the exposure space (potential conversions),
  /// by more than noise; true CTR/CVR lie in (0, 1) and some propensities are small.
  @Test func clickSpaceCVRIsBiased() throws {
    let files = try SelectionBiasWorld.write(Self.config, seed: 8, to: try SimTest.directory("sb-bias"))
    let table = try SimTest.read(files.data)
    var clicks = 0, clickedConversions = 0, potential = 0, observed = 0, small = 0
    var meanCVR = (clicked: 0.0, all: 0.0)
    for row in table.rows {
      let ctr = table.double(row, "true_ctr"), cvr = table.double(row, "true_cvr")
      #expect(ctr > 0 && ctr < 1 && cvr > 0 && cvr < 1)
      if ctr < 0.02 { small += 1 }
      let click = table.int(row, "click"), p = table.int(row, "potential_conversion")
      #expect(table.int(row, "conversion") == click * p)
      potential += p
      observed += table.int(row, "conversion")
      meanCVR.all += cvr
      if click == 1 {
        clicks += 1
        clickedConversions += p
        meanCVR.clicked += cvr
      }
    }
    let group = try #require(files.summary.group("all"))
    #expect(group.clicks == clicks && group.observedConversions == observed && group.potentialConversions == potential)
    // The expected CVRs (no Bernoulli noise) differ by a clear margin ...
    let truthGap = meanCVR.clicked / Double(clicks) - meanCVR.all / Double(table.rows.count)
    #expect(abs(truthGap) > 0.02, "mean true CVR: clicks vs exposures gap \(truthGap)")
    // ... and so do the realised rates (z > 3).
    let z = SimTest.zScore(clickedConversions, clicks, potential, table.rows.count)
    #expect(abs(z) > 3, "click CVR \(group.clickCVR) vs exposure CVR \(group.exposureCVR)")
    #expect(Double(small) / Double(table.rows.count) > 0.05, "small propensities: \(small)")
  }
}
