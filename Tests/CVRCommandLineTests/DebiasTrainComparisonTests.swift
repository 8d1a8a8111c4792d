// The estimator comparison of issue 12 on the MNAR ratings fixture
// (MNARRatingsWorld seed 11, true propensities from the file), 3 seeds, all
// seven estimators, through the built binary: what holds is written with a
// margin; docs/estimators.md ("Training on ratings") has the measured table.
import CVRSimulation
import CVRTestSupport
import Foundation
import Testing

@Suite struct DebiasTrainComparisonTests {
  @Test func debiasedEstimatorsOnTheFixture() throws {
    let dir = try scratchDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let files = try MNARRatingsWorld(seed: 11).write(to: dir)
    let out = dir.appendingPathComponent("run")
    let run = try BuiltTool.run("cvr", [
      "debias", "train", "--train", files.trainLong.path, "--test", files.testLong.path, "--format", "long",
      "--propensity", "file", "--seeds", "1-3", "--out", out.path, "--quiet",
    ])
    #expect(run.status == 0, "\(run.output)")
    let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("metrics.json"))) as? [String: Any])
    let models = try #require(json["models"] as? [String: [String: [String: Any]]])
    func mean(_ model: String, _ metric: String) -> Double { models[model]?[metric]?["mean"] as? Double ?? .nan }
    func values(_ model: String, _ metric: String) -> [Double] { models[model]?[metric]?["values"] as? [Double] ?? [] }
    for e in ["naive", "ips", "snips", "dr-jl", "mrdr", "stabledr", "pvdr(λ=0.5)"] {
      #expect(mean(e, "AUC") > 0.6, "\(e) test AUC \(mean(e, "AUC"))")
    }
    // The issue's claim, with a margin of 0.02 AUC on the mean (measured: +0.05 to +0.06,
    // naive's std over seeds 0.019) and seed by seed.
    let naive = values("naive", "AUC")
    for e in ["dr-jl", "mrdr", "stabledr"] {
      #expect(mean(e, "AUC") > mean("naive", "AUC") + 0.02, "\(e) \(mean(e, "AUC")) vs naive \(mean("naive", "AUC"))")
      for (a, b) in zip(values(e, "AUC"), naive) { #expect(a > b, "\(e) seed AUC \(a) vs naive \(b)") }
      #expect(mean(e, "MSE") < mean("naive", "MSE"), "\(e) MSE \(mean(e, "MSE")) vs naive \(mean("naive", "MSE"))")
    }
  }
}
