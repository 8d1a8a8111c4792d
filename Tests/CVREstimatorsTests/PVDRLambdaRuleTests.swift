// PVDR's λ(p̂) rules: the grammar (forms, canonical text, refusals in plain
// words) and λ reaching the sampled-grid loss, where a constant and a rule give
// different values, each equal to a hand computation.
import CVRAutograd
import CVREstimators
import CVRTestSupport
import Testing

@Suite struct PVDRLambdaRuleTests {
  @Test(arguments: [
    ("0.5", "0.5", 0.05, 0.5), ("1", "1.0", 0.3, 1.0), ("inverse:0.1", "inverse:0.1", 0.05, 1.0),
    (" inverse: 0.1 ", "inverse:0.1", 0.4, 0.25), ("p<0.1:1,else:0.5", "p<0.1:1.0,else:0.5", 0.09, 1.0),
    ("p<0.1:1, p<0.3:0.7, else:0", "p<0.1:1.0,p<0.3:0.7,else:0.0", 0.1, 0.7), ("else:0.2", "else:0.2", 0.9, 0.2),
  ])
  func readsTheGrammar(_ text: String, _ canonical: String, _ p: Double, _ lambda: Double) throws {
    let rule = try PVDRLambdaRule(parsing: text)
    #expect(rule.description == canonical)
    #expect(abs(rule(p) - lambda) < 1e-12, "\(text) at p̂ \(p): \(rule(p))")
    #expect(try PVDRLambdaRule(parsing: rule.description) == rule, "canonical text reads back")
    #expect(abs(rule.lambda(p) - lambda) < 1e-12)
  }

  @Test(arguments: [
    ("", "empty"), ("2", "λ 2.0 must be in [0, 1]"), ("-0.1", "λ -0.1 must be in [0, 1]"),
    ("inverse:0", "inverse:C needs C > 0"), ("inverse:x", "'x' is not a number"),
    ("p<0.1:1", "need a last else:V"), ("p<0.2:1,p<0.1:0.5,else:0", "thresholds must increase"),
    ("p<0.1:1,else:0.5,p<0.3:1", "comes after else"), ("p<0.1:x,else:1", "'x' is not a number"),
    ("p<1.5:1,else:0", "threshold 1.5 must be in (0, 1]"), ("sqrt", "'sqrt' is not a number in [0, 1], inverse:C"),
    ("p<0.1=1,else:0", "is not p<T:V or else:V"),
  ])
  func refusesBadText(_ text: String, _ message: String) {
    #expect(throws: EstimatorError.self) { try PVDRLambdaRule(parsing: text) }
    do { _ = try PVDRLambdaRule(parsing: text) } catch { #expect("\(error)".contains(message), "\(error)") }
  }

  /// B = 2 rated rows, S = 2 sampled cells, ρ = 0.25; L = ρ/|B| Σ_B (e − λê)/p + (1/|S|) Σ_S λ ê_S:
  /// - λ ≡ 0.5: 0.125 (0.45/0.05 + 0.0/0.5) + 0.5 (0.15 + 0.3) = 1.125 + 0.225 = 1.35;
  /// - p<0.1:1,else:0.5 (λ_B = [1, 0.5], λ_S = [1, 0.5]): 0.125 (0.2/0.05 + 0) + 0.5 (0.3 + 0.3) = 0.8;
  /// - inverse:0.1 (λ_B = [1, 0.2], λ_S = [1, 1/9]): 0.125 (4 + 0.12/0.5) + 0.5 (0.3 + 0.6/9) = 0.71333….
  @Test(arguments: [("0.5", 1.35), ("p<0.1:1,else:0.5", 0.8), ("inverse:0.1", 0.53 + 0.5 * (0.3 + 0.6 / 9))])
  func lambdaReachesTheSampledLoss(_ text: String, _ expected: Double) throws {
    let rule = try PVDRLambdaRule(parsing: text)
    let tape = Tape(recording: false)
    let loss = tape.sampledPVDRLoss(
      errors: tape.constant([0.7, 0.2], Shape(2)), imputed: tape.constant([0.5, 0.4], Shape(2)),
      sampledImputed: tape.constant([0.3, 0.6], Shape(2)), propensity: tape.constant([0.05, 0.5], Shape(2)),
      sampledPropensity: tape.constant([0.08, 0.9], Shape(2)), gridShare: 0.25, lambda: rule.lambda)
    #expect(abs(Double(loss.scalar) - expected) < 1e-6, "\(text): \(loss.scalar) vs \(expected)")
  }

  @Test func finiteDifferenceGradientsWithAVaryingLambda() throws {
    let rule = try PVDRLambdaRule(parsing: "p<0.2:1,else:0.3")
    let e = randomParameter("e", Shape(6), seed: 41, in: 0.1, 2)
    let h = randomParameter("imputed", Shape(6), seed: 42, in: 0.1, 2)
    let hs = randomParameter("sampled", Shape(5), seed: 43, in: 0.1, 2)
    let p: [Float] = [0.06, 0.1, 0.25, 0.5, 0.15, 0.9], ps: [Float] = [0.03, 0.4, 0.19, 0.7, 0.2]
    func loss(_ tape: Tape) -> Tensor {
      tape.sampledPVDRLoss(errors: tape.param(e), imputed: tape.param(h), sampledImputed: tape.param(hs),
                           propensity: tape.constant(p, Shape(6)), sampledPropensity: tape.constant(ps, Shape(5)),
                           gridShare: 0.3, lambda: rule.lambda)
    }
    let result = checkGradients([e, h, hs], epsilon: 1e-2, absoluteTolerance: 1e-3, relativeTolerance: 1e-2, loss)
    #expect(result.passed && result.checked == 17, "\(result)")
  }
}
