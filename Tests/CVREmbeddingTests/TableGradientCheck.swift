// Finite-difference checks for functions of embedding tables: the table's sparse
// gradient (made dense) and any dense parameters' gradients against central
// differences of a fixed random projection of the output.
import CVRAutograd
import CVRCore
import CVREmbedding

/// The worst disagreement of a table gradient check.
struct TableCheckResult: CustomStringConvertible {
  var checked = 0
  var worstName = ""
  var worstIndex = -1
  var worstAnalytic: Double = 0
  var worstNumeric: Double = 0
  var worstExcess: Double = -.infinity
  var passed: Bool { checked > 0 && worstExcess <= 0 }
  var description: String {
    "checked \(checked); worst \(worstName)[\(worstIndex)]: analytic \(worstAnalytic) numeric \(worstNumeric) (excess \(worstExcess))"
  }
}

/// d(w·f)/dθ from one backward pass against central differences, for every element
/// of every table (read through `sparseGrad.dense()`) and every dense parameter.
func checkTableGradients(
  tables: [EmbeddingTable], dense: [Parameter] = [], epsilon: Float = 1e-2,
  absoluteTolerance: Double = 2e-3, relativeTolerance: Double = 2e-2, _ f: (Tape) -> Tensor
) -> TableCheckResult {
  for t in tables { t.parameter.zeroGrad() }
  for p in dense { p.zeroGrad() }
  let tape = Tape()
  let out = f(tape)
  precondition(out.requiresGrad, "checkTableGradients: the output does not depend on the tables")
  var projection = SeededGenerator(seed: 12345)
  let w = (0..<out.count).map { _ in projection.nextFloat(in: -1, 1) }
  w.withUnsafeBufferPointer { tape.backward(out, gradient: $0.baseAddress!) }

  var targets: [(name: String, values: UnsafeMutableBufferPointer<Float>, analytic: [Float])] = []
  for t in tables { targets.append((t.name, t.parameter.value, t.parameter.sparseGrad!.dense())) }
  for p in dense { targets.append((p.name, p.value, Array(p.grad))) }

  func projected() -> Double {
    let t = Tape(recording: false)
    let y = f(t)
    var s: Double = 0
    for i in 0..<y.count { s += Double(w[i]) * Double(y.data[i]) }
    return s
  }

  var result = TableCheckResult()
  for target in targets {
    for i in 0..<target.values.count {
      let x = target.values[i]
      target.values[i] = x + epsilon
      let plus = projected()
      target.values[i] = x - epsilon
      let minus = projected()
      target.values[i] = x
      let numeric = (plus - minus) / (2 * Double(epsilon))
      let a = Double(target.analytic[i])
      let excess = abs(a - numeric) - (absoluteTolerance + relativeTolerance * max(abs(a), abs(numeric)))
      result.checked += 1
      if excess > result.worstExcess {
        result = TableCheckResult(
          checked: result.checked, worstName: target.name, worstIndex: i, worstAnalytic: a,
          worstNumeric: numeric, worstExcess: excess)
      }
    }
  }
  return result
}

/// A seeded table with uniform values in [−1, 1) (large enough for differences to show).
func randomTable(
  _ name: String, vocab: Int, dim: Int, paddingId: Int32? = nil, idPolicy: IdPolicy = .strict, seed: UInt64
) -> EmbeddingTable {
  var rng = SeededGenerator(seed: seed)
  return EmbeddingTable(name, vocab: vocab, dim: dim, initializer: .uniform(low: -1, high: 1),
                        paddingId: paddingId, idPolicy: idPolicy, rng: &rng)
}

/// Seeded ids in 0 ..< vocab.
func randomIds(_ count: Int, vocab: Int, seed: UInt64) -> [Int32] {
  var rng = SeededGenerator(seed: seed)
  return (0..<count).map { _ in Int32(rng.next() % UInt64(vocab)) }
}
