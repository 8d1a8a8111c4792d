// Finite-difference gradient checks: the analytic vector-Jacobian product of a
// function built on the tape, against central differences of the same function.
import CVRAutograd
import CVRCore
import CVRKernels

/// The outcome of a gradient check, with the worst element for the message.
public struct GradientCheckResult: CustomStringConvertible, Sendable {
  public var checked = 0
  /// Elements skipped because a kink lies within ±epsilon (one-sided slopes disagree).
  public var skippedAtKinks = 0
  public var worstParameter = ""
  public var worstIndex = -1
  public var worstAnalytic: Double = 0
  public var worstNumeric: Double = 0
  public var worstExcess: Double = 0  // error minus its allowance; ≤ 0 passes
  public var passed: Bool { worstExcess <= 0 && checked > 0 }

  public var description: String {
    "checked \(checked), skipped \(skippedAtKinks) at kinks; worst \(worstParameter)[\(worstIndex)]: "
      + "analytic \(worstAnalytic) numeric \(worstNumeric) (excess \(worstExcess))"
  }
}

/// Compares d(w·f)/dθ from the tape with central differences, for every element
/// of every parameter in `parameters`. `w` is a fixed random projection of the
/// output, so every output element's Jacobian row is exercised.
///
/// `f` must be deterministic given a tape seeded with `seed` (dropout draws the
/// same mask each call). Elements whose two one-sided slopes differ by more than
/// `kinkTolerance` straddle a kink (ReLU at 0, clamp edges) and are skipped.
public func checkGradients(
  _ parameters: [Parameter], epsilon: Float = 1e-2, absoluteTolerance: Double = 2e-3,
  relativeTolerance: Double = 2e-2, kinkTolerance: Double = 0.1, seed: UInt64 = 7,
  _ f: (Tape) -> Tensor
) -> GradientCheckResult {
  var result = GradientCheckResult()
  for p in parameters { p.zeroGrad() }

  // Analytic: one backward pass seeded with the projection w.
  let tape = Tape(seed: seed)
  let out = f(tape)
  var projection = SeededGenerator(seed: 12345)
  let w = (0..<out.count).map { _ in projection.nextFloat(in: -1, 1) }
  precondition(out.requiresGrad, "checkGradients: the output does not depend on the parameters")
  w.withUnsafeBufferPointer { tape.backward(out, gradient: $0.baseAddress!) }
  let analytic = parameters.map { Array($0.grad) }

  func projected() -> Double {
    let t = Tape(seed: seed)
    return t.withoutRecording {
      let y = f(t)
      var s: Double = 0
      for i in 0..<y.count { s += Double(w[i]) * Double(y.data[i]) }
      return s
    }
  }

  for (pi, p) in parameters.enumerated() {
    for i in 0..<p.value.count {
      let x = p.value[i]
      let center = projected()
      p.value[i] = x + epsilon
      let plus = projected()
      p.value[i] = x - epsilon
      let minus = projected()
      p.value[i] = x
      let h = Double(epsilon)
      let right = (plus - center) / h, left = (center - minus) / h
      if abs(right - left) > kinkTolerance * max(1, abs(right), abs(left)) {
        result.skippedAtKinks += 1
        continue
      }
      let numeric = (plus - minus) / (2 * h)
      let a = Double(analytic[pi][i])
      let excess = abs(a - numeric) - (absoluteTolerance + relativeTolerance * max(abs(a), abs(numeric)))
      result.checked += 1
      if result.worstIndex < 0 || excess > result.worstExcess {
        result.worstExcess = excess
        result.worstParameter = p.name
        result.worstIndex = i
        result.worstAnalytic = a
        result.worstNumeric = numeric
      }
    }
  }
  return result
}

/// A parameter filled with seeded uniform values in [low, high).
public func randomParameter(
  _ name: String, _ shape: Shape, seed: UInt64, in low: Float = -1, _ high: Float = 1,
  requiresGrad: Bool = true
) -> Parameter {
  var rng = SeededGenerator(seed: seed)
  let p = Parameter(name, shape: shape, requiresGrad: requiresGrad)
  p.fill { rng.nextFloat(in: low, high) }
  return p
}

/// Whether |a - b| ≤ atol + rtol·|b| holds elementwise; returns the first failure for the message.
public func allClose(_ a: [Float], _ b: [Float], rtol: Float = 1e-5, atol: Float = 1e-6) -> (Bool, String) {
  guard a.count == b.count else { return (false, "counts differ: \(a.count) vs \(b.count)") }
  for i in 0..<a.count where !(abs(a[i] - b[i]) <= atol + rtol * abs(b[i])) {
    return (false, "element \(i): \(a[i]) vs \(b[i])")
  }
  return (true, "")
}
