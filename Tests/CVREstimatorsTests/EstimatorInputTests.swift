// Bad arrays are refused with the field and row named, never trapped.
import CVREstimators
import Testing

@Suite struct EstimatorInputTests {
  @Test func lengthsAndDomainsAreChecked() {
    #expect(throws: EstimatorError.lengthMismatch(field: "propensities", count: 1, expected: 2)) {
      try EstimatorInput(observed: [true, false], errors: [1, 0], propensities: [0.5])
    }
    #expect(throws: EstimatorError.invalidValue(field: "propensities", row: 1, value: 1.5, reason: "is not in [0, 1]")) {
      try EstimatorInput(observed: [true, false], errors: [1, 0], propensities: [0.5, 1.5])
    }
    #expect(throws: EstimatorError.self) {
      try EstimatorInput(observed: [true, false], errors: [.nan, 0], propensities: [0.5, 0.5])
    }
    #expect(throws: EstimatorError.self) {
      try EstimatorInput(observed: [true], errors: [1], propensities: [0.5], imputed: [.infinity])
    }
    #expect(throws: EstimatorError.self) { try PropensityClip(floor: 0) }
    #expect(throws: EstimatorError.self) { try PropensityClip(floor: 0.2, ceiling: 0.1) }
    // NaN errors on unobserved rows are fine: they are never read.
    #expect((try? EstimatorInput(observed: [true, false], errors: [1, .nan], propensities: [0.5, 0.5])) != nil)
  }

  @Test func estimatorsNameWhatTheyMiss() throws {
    let input = try EstimatorInput(observed: [false, false], errors: [0, 0], propensities: [0.5, 0.5])
    #expect(throws: EstimatorError.empty("naive: no observed row")) { try Estimator.naive.value(input) }
    #expect(throws: EstimatorError.empty("dr needs imputed errors")) { try Estimator.dr.value(input) }
    let message = "\(EstimatorError.invalidValue(field: "propensities", row: 3, value: -1, reason: "is not in [0, 1]"))"
    #expect(message == "row 3: field propensities: -1.0 is not in [0, 1]")
  }
}
