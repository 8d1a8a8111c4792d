// The closing note's verdicts on a made-up three-seed result: which orderings of
// the paper hold, which do not, and which this run cannot check.
import CVRReports
import EGEANExperiment
import MetaCVRExperiment
import Testing

@Suite struct EGEANOrderingsTests {
  static func model(_ name: String, _ cvr: [Double]) -> ModelSummary {
    ModelSummary(name: name, metrics: [
      .init(name: "cvr_auc_exposure", summary: MetricSummary(values: cvr, seeds: [1, 2, 3])),
      .init(name: "ctcvr_auc", summary: MetricSummary(values: cvr, seeds: [1, 2, 3])),
    ])
  }

  @Test func verdictsFollowThePairedDifferences() throws {
    let result = MultiSeedResult(seeds: [1, 2, 3], models: [
      Self.model("ESMM", [0.70, 0.71, 0.72]),
      Self.model("DCMT", [0.72, 0.73, 0.74]),
      Self.model("EGEAN+DR", [0.75, 0.76, 0.77]),
      Self.model("EGEAN+PVDR", [0.74, 0.75, 0.76]),
      Self.model("EGEAN w/o EN", [0.70, 0.72, 0.74]),
    ])
    let orderings = EGEANOrderings(result: result)
    #expect(orderings.bestBaseline == "DCMT")
    #expect(orderings.fullModel == "EGEAN+PVDR")
    let all = orderings.comparisons().filter { $0.comparison.metric == "cvr_auc_exposure" }
    let verdicts = Dictionary(uniqueKeysWithValues: all.map { ($0.claim, EGEANOrderings.verdict($0.claim, $0.comparison)) })
    // PVDR − DR = −0.01 on every seed: the interval is a point below 0.
    #expect(verdicts["EGEAN+PVDR ≥ EGEAN+DR"] == "does not hold (interval below 0)")
    #expect(verdicts["EGEAN+DR > best baseline (DCMT)"] == "holds (interval above 0)")
    // full − w/o EN = 0.04, 0.03, 0.02: mean 0.03, s 0.01, half-width 0.0248: above 0.
    #expect(verdicts["EGEAN w/o EN loses"] == "holds (interval above 0)")
    #expect(verdicts["EGEAN w/o TPN loses"] == "not run")
    let note = orderings.closingNote(orderings.comparisons())
    #expect(note.contains("2 of the 3 orderings this run can check hold"))
  }

  @Test func ablationsCompareWithTheFullModelOfTheirEstimator() {
    let result = MultiSeedResult(seeds: [1, 2, 3], models: [
      Self.model("EGEAN+DR", [0.75, 0.76, 0.77]), Self.model("EGEAN+PVDR", [0.74, 0.75, 0.76]),
    ])
    #expect(EGEANOrderings(result: result, ablationEstimator: "dr").fullModel == "EGEAN+DR")
    #expect(EGEANOrderings(result: result, ablationEstimator: "pvdr").fullModel == "EGEAN+PVDR")
  }
}
