// K5: batched masked attention (scores, softmax, context) for 2048 heads
// (batch 256 × 8 heads), T = 50, head width 16, key lengths uniform in [10, 50].
// The fused kernel (training forward, keeping P; and its backward) against the
// naive per-head loop it is checked with.
import CVRCore
import CVRKernels

/// Inputs of the K5 shape in the layout the engine uses ([B, T, H·d], heads as
/// column blocks), with a key padding mask; owns its memory for the whole bench.
final class AttentionProblem {
  let d = Attention.Dimensions(batch: 256, heads: 8, queryLength: 50, keyLength: 50, keyDim: 16, valueDim: 16)
  let query, key, value, mask, output, reference, statistics, gradOutput, dQuery, dKey, dValue, scratch:
    UnsafeMutablePointer<Float>

  init(seed: UInt64) {
    func buffer(_ count: Int) -> UnsafeMutablePointer<Float> {
      let p = UnsafeMutablePointer<Float>.allocate(capacity: count)
      p.initialize(repeating: 0, count: count)
      return p
    }
    let rows = d.batch * d.queryLength
    query = buffer(rows * d.keyWidth)
    key = buffer(rows * d.keyWidth)
    value = buffer(rows * d.valueWidth)
    mask = buffer(d.batch * d.keyLength)
    output = buffer(rows * d.valueWidth)
    reference = buffer(rows * d.valueWidth)
    statistics = buffer(d.rowStatisticsCount)
    gradOutput = buffer(rows * d.valueWidth)
    dQuery = buffer(rows * d.keyWidth)
    dKey = buffer(rows * d.keyWidth)
    dValue = buffer(rows * d.valueWidth)
    scratch = buffer(Attention.scratchCount(d, threads: 8))
    var rng = SeededGenerator(seed: seed)
    for i in 0..<(rows * d.keyWidth) { query[i] = rng.nextFloat(in: -1, 1); key[i] = rng.nextFloat(in: -1, 1) }
    for i in 0..<(rows * d.valueWidth) { value[i] = rng.nextFloat(in: -1, 1); gradOutput[i] = rng.nextFloat(in: -1, 1) }
    for b in 0..<d.batch {
      let length = 10 + Int(rng.next() % 41)
      for t in 0..<d.keyLength { mask[b * d.keyLength + t] = t < length ? 1 : 0 }
    }
  }

  deinit {
    for p in [query, key, value, mask, output, reference, statistics, gradOutput, dQuery, dKey, dValue, scratch] {
      p.deallocate()
    }
  }

  /// Nominal flops of the two products per head at full length: 2 · (2·T·T·d).
  var forwardFlops: Double { Double(d.batch * d.heads) * 4 * Double(d.queryLength * d.keyLength * d.keyDim) }
  var shape: String { "B=256 H=8 T=50 d=16 lengths U[10,50]" }

  func fused() {
    Attention.forward(query: query, key: key, value: value, keyMask: mask, d, output: output,
                      rowStatistics: statistics, scratch: scratch)
  }

  func backward() {
    Attention.backward(query: query, key: key, value: value, keyMask: mask, d, rowStatistics: statistics,
                       gradOutput: gradOutput, dQuery: dQuery, dKey: dKey, dValue: dValue, scratch: scratch)
  }

  func naive() {
    Attention.naiveForward(query: query, key: key, value: value, keyMask: mask, d, output: reference, scratch: scratch)
  }

  /// Largest |fused − naive| over the whole output.
  func disagreement() -> Float {
    fused()
    naive()
    var worst: Float = 0
    for i in 0..<(d.batch * d.queryLength * d.valueWidth) { worst = max(worst, abs(output[i] - reference[i])) }
    return worst
  }
}

enum AttentionBenches {
  static func cases() -> [BenchCase] {
    let problem = AttentionProblem(seed: 5)
    let agree: () -> String? = {
      let worst = problem.disagreement()
      return worst <= 1e-4 ? nil : "fused and naive attention differ by \(worst)"
    }
    return [
      BenchCase(name: "K5", shape: problem.shape, flops: problem.forwardFlops, run: problem.fused, check: agree),
      BenchCase(name: "K5-backward", shape: problem.shape, flops: 2 * problem.forwardFlops, run: problem.backward,
                check: { problem.fused(); problem.backward(); return nil }),
      BenchCase(name: "K5-naive", shape: problem.shape, flops: problem.forwardFlops, run: problem.naive, check: agree),
    ]
  }
}
