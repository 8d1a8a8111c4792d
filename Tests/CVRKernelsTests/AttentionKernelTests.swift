// The fused attention kernel against the naive per-head loops on the K5 shape
// (B=256, H=8, T=50, d=16, key lengths uniform in [10, 50]) at 1 and 2 threads.
// Timing lives in the bench (K5), not here.
import CVRCore
import CVRKernels
import CVecKernels
import Dispatch
import Foundation
import Testing

/// K5 inputs: query, key, value [B, T, H·d] uniform in [−1, 1], prefix key masks [B, T].
struct K5Inputs: Sendable {
  static let dimensions = Attention.Dimensions(batch: 256, heads: 8, queryLength: 50, keyLength: 50, keyDim: 16, valueDim: 16)
  let query, key, value, mask: [Float]

  init(seed: UInt64 = 1) {
    let d = Self.dimensions
    var rng = SeededGenerator(seed: seed)
    func uniform(_ n: Int) -> [Float] { (0..<n).map { _ in rng.nextFloat(in: -1, 1) } }
    query = uniform(d.batch * d.queryLength * d.heads * d.keyDim)
    key = uniform(d.batch * d.keyLength * d.heads * d.keyDim)
    value = uniform(d.batch * d.keyLength * d.heads * d.valueDim)
    var mask = [Float](repeating: 0, count: d.batch * d.keyLength)
    for b in 0..<d.batch {
      let length = 10 + Int(rng.next() % 41)
      for j in 0..<length { mask[b * d.keyLength + j] = 1 }
    }
    self.mask = mask
  }

  var outputCount: Int { Self.dimensions.batch * Self.dimensions.queryLength * Self.dimensions.heads * Self.dimensions.valueDim }

  /// The output and the row statistics [B, H, Tq, 2] (max score, 1 / Σ e) kept for the backward.
  func fused(threads: Int, keepStatistics: Bool = true) -> (output: [Float], statistics: [Float]) {
    let d = Self.dimensions
    var output = [Float](repeating: .nan, count: outputCount)
    var statistics = [Float](repeating: .nan, count: keepStatistics ? d.rowStatisticsCount : 0)
    var scratch = [Float](repeating: 0, count: Attention.scratchCount(d, threads: threads))
    statistics.withUnsafeMutableBufferPointer { p in
      Attention.forward(query: query, key: key, value: value, keyMask: mask, d, output: &output,
                        rowStatistics: keepStatistics ? p.baseAddress! : nil, scratch: &scratch, threads: threads)
    }
    return (output, statistics)
  }

  func naive() -> [Float] {
    var output = [Float](repeating: .nan, count: outputCount)
    var scratch = [Float](repeating: 0, count: Self.dimensions.blockCount)
    Attention.naiveForward(query: query, key: key, value: value, keyMask: mask, Self.dimensions, output: &output,
                           scratch: &scratch)
    return output
  }

  /// dQ, dK, dV for the output gradient `gradOutput`.
  func backward(statistics: [Float], gradOutput: [Float], threads: Int) -> [[Float]] {
    let d = Self.dimensions
    var dq = [Float](repeating: 0, count: query.count), dk = [Float](repeating: 0, count: key.count)
    var dv = [Float](repeating: 0, count: value.count)
    var scratch = [Float](repeating: 0, count: Attention.scratchCount(d, threads: threads))
    Attention.backward(query: query, key: key, value: value, keyMask: mask, d, rowStatistics: statistics,
                       gradOutput: gradOutput, dQuery: &dq, dKey: &dk, dValue: &dv, scratch: &scratch, threads: threads)
    return [dq, dk, dv]
  }
}

@Suite(.serialized) struct AttentionKernelTests {
  static let inputs = K5Inputs()
  static let reference = inputs.naive()

  @Test(arguments: [1, 2])
  func fusedMatchesNaiveOnK5(threads: Int) {
    let (output, statistics) = Self.inputs.fused(threads: threads)
    var worst: Float = 0
    for i in 0..<output.count { worst = max(worst, abs(output[i] - Self.reference[i])) }
    #expect(worst < 2e-5, "threads=\(threads): worst difference \(worst)")
    // Each row's statistics are its maximum scaled score over the kept keys and 1 / Σ e^(s − max),
    // against Double sums.
    let d = K5Inputs.dimensions, width = d.heads * d.keyDim, scale = 1 / Double(d.keyDim).squareRoot()
    for b in [0, 77, 255] {
      for h in 0..<d.heads {
        for i in 0..<d.queryLength {
          var scores: [Double] = []
          for j in 0..<d.keyLength where Self.inputs.mask[b * d.keyLength + j] != 0 {
            var dot: Double = 0
            for c in 0..<d.keyDim {
              dot += Double(Self.inputs.query[(b * d.queryLength + i) * width + h * d.keyDim + c])
                * Double(Self.inputs.key[(b * d.keyLength + j) * width + h * d.keyDim + c])
            }
            scores.append(dot * scale)
          }
          let top = scores.max()!, sum = scores.reduce(0) { $0 + Foundation.exp($1 - top) }
          let s = 2 * ((b * d.heads + h) * d.queryLength + i)
          #expect(abs(Double(statistics[s]) - top) < 1e-5, "item \(b) head \(h) row \(i): max")
          #expect(abs(1 / Double(statistics[s + 1]) - sum) / sum < 1e-5, "item \(b) head \(h) row \(i): sum")
        }
      }
    }
    #expect(BLAS.threads == 1, "OpenBLAS stays single-threaded; the kernel parallelises over items")
  }

  @Test func scratchModeGivesTheSameOutput() {
    #expect(Self.inputs.fused(threads: 2, keepStatistics: false).output == Self.inputs.fused(threads: 1).output)
  }

  @Test func backwardIsTheSameAtOneAndTwoThreads() {
    let statistics = Self.inputs.fused(threads: 1).statistics
    var rng = SeededGenerator(seed: 3)
    let gradOutput = (0..<Self.inputs.outputCount).map { _ in rng.nextFloat(in: -1, 1) }
    let one = Self.inputs.backward(statistics: statistics, gradOutput: gradOutput, threads: 1)
    let two = Self.inputs.backward(statistics: statistics, gradOutput: gradOutput, threads: 2)
    #expect(one == two)
    // Keys past each item's length receive no gradient.
    let d = K5Inputs.dimensions, width = d.heads * d.keyDim
    for b in 0..<d.batch {
      for j in 0..<d.keyLength where Self.inputs.mask[b * d.keyLength + j] == 0 {
        #expect(one[1][(b * d.keyLength + j) * width..<(b * d.keyLength + j + 1) * width].allSatisfy { $0 == 0 })
      }
    }
    #expect(one.allSatisfy { g in g.contains { $0 != 0 } && g.allSatisfy(\.isFinite) })
  }

  @Test func parallelForCoversEveryItemOnceWithOpenBLASSingleThreaded() {
    var hits = [Int](repeating: 0, count: 101)
    hits.withUnsafeMutableBufferPointer { buffer in
      let shared = UncheckedSendable(buffer.baseAddress!)
      Threads.parallelFor(total: 101, minimum: 1, threads: 2) { _, range in
        for i in range { shared.value[i] += 1 }
      }
    }
    #expect(hits.allSatisfy { $0 == 1 })
    #expect(BLAS.threads == 1)
  }
}

/// Every vector level this CPU runs (portable, AVX2+FMA, AVX-512) on the K5 shape and
/// on odd shapes whose head widths and lengths are not multiples of any vector width.
@Suite struct AttentionVectorLevelTests {
  /// Odd sizes: dk = 5, dv = 3 (scalar column tails), Tk = 19 (padded to 32),
  /// interior padding in item 0, item 2 fully padded, trailing masked queries.
  static let odd = Attention.Dimensions(batch: 3, heads: 3, queryLength: 7, keyLength: 19, keyDim: 5, valueDim: 3)
  static var oddMask: [Float] {
    var m = [Float](repeating: 1, count: 3 * 19)
    for j in [2, 5, 17, 18] { m[j] = 0 }
    for j in 11..<19 { m[19 + j] = 0 }
    for j in 0..<19 { m[38 + j] = 0 }
    return m
  }

  static func random(_ n: Int, seed: UInt64) -> [Float] {
    var rng = SeededGenerator(seed: seed)
    return (0..<n).map { _ in rng.nextFloat(in: -2, 2) }
  }

  @Test func everyLevelMatchesTheNaiveLoopOnK5() {
    let inputs = K5Inputs()
    let reference = inputs.naive()
    let d = K5Inputs.dimensions
    #expect(VectorKernels.available.count >= 1)
    for kernels in VectorKernels.available {
      var output = [Float](repeating: .nan, count: inputs.outputCount)
      var scratch = [Float](repeating: 0, count: Attention.scratchCount(d, threads: 2))
      Attention.forward(query: inputs.query, key: inputs.key, value: inputs.value, keyMask: inputs.mask, d,
                        output: &output, rowStatistics: nil, scratch: &scratch, threads: 2, kernels: kernels)
      var worst: Float = 0
      for i in 0..<output.count { worst = max(worst, abs(output[i] - reference[i])) }
      #expect(worst < 2e-5, "\(VectorKernels.name(kernels)): worst difference \(worst)")
    }
  }

  @Test func everyLevelMatchesTheNaiveLoopOnOddShapes() {
    let d = Self.odd
    let q = Self.random(d.batch * d.queryLength * d.keyWidth, seed: 11)
    let k = Self.random(d.batch * d.keyLength * d.keyWidth, seed: 12)
    let v = Self.random(d.batch * d.keyLength * d.valueWidth, seed: 13)
    let mask = Self.oddMask
    var reference = [Float](repeating: .nan, count: d.batch * d.queryLength * d.valueWidth)
    var naiveScratch = [Float](repeating: 0, count: d.blockCount)
    Attention.naiveForward(query: q, key: k, value: v, keyMask: mask, d, output: &reference, scratch: &naiveScratch)
    for kernels in VectorKernels.available {
      var output = [Float](repeating: .nan, count: reference.count)
      var p = [Float](repeating: .nan, count: d.rowStatisticsCount)
      var scratch = [Float](repeating: .nan, count: Attention.scratchCount(d, threads: 1))
      Attention.forward(query: q, key: k, value: v, keyMask: mask, d, output: &output, rowStatistics: &p,
                        scratch: &scratch, threads: 1, kernels: kernels)
      var worst: Float = 0
      for i in 0..<output.count { worst = max(worst, abs(output[i] - reference[i])) }
      #expect(worst < 1e-5, "\(VectorKernels.name(kernels)): worst difference \(worst)")
      #expect(p.allSatisfy { !$0.isNaN }, "\(VectorKernels.name(kernels)): row statistics not all written")
      // The fully padded item 2 keeps nothing: max −∞, 1 / Σ e = 0.
      #expect(p[(2 * d.heads * d.queryLength * 2)...].enumerated().allSatisfy { $0 % 2 == 0 ? $1 == -.infinity : $1 == 0 })
      // The fully padded item 2 gets zero output.
      #expect(output[(2 * d.queryLength * d.valueWidth)...].allSatisfy { $0 == 0 })
    }
  }

  /// The backward of each level against the portable level's (the same maths in
  /// 4-wide vectors; the portable level is itself checked against finite differences
  /// through the tape on CPUs without AVX2, and the widest level on this one).
  @Test func everyLevelHasTheSameBackwardOnOddShapes() {
    let d = Self.odd
    let q = Self.random(d.batch * d.queryLength * d.keyWidth, seed: 21)
    let k = Self.random(d.batch * d.keyLength * d.keyWidth, seed: 22)
    let v = Self.random(d.batch * d.keyLength * d.valueWidth, seed: 23)
    let g = Self.random(d.batch * d.queryLength * d.valueWidth, seed: 24)
    var queryMask = [Float](repeating: 1, count: d.batch * d.queryLength)
    queryMask[3] = 0
    queryMask[d.queryLength + 5] = 0
    queryMask[d.queryLength + 6] = 0
    let mask = Self.oddMask
    func gradients(_ kernels: Attention.Kernels) -> [[Float]] {
      var p = [Float](repeating: 0, count: d.rowStatisticsCount), out = [Float](repeating: 0, count: g.count)
      var scratch = [Float](repeating: 0, count: Attention.scratchCount(d, threads: 1))
      Attention.forward(query: q, key: k, value: v, keyMask: mask, queryMask: queryMask, d, output: &out,
                        rowStatistics: &p, scratch: &scratch, threads: 1, kernels: kernels)
      var dq = [Float](repeating: 0, count: q.count), dk = [Float](repeating: 0, count: k.count)
      var dv = [Float](repeating: 0, count: v.count)
      Attention.backward(query: q, key: k, value: v, keyMask: mask, queryMask: queryMask, d, rowStatistics: p,
                         gradOutput: g, dQuery: &dq, dKey: &dk, dValue: &dv, scratch: &scratch, threads: 1,
                         kernels: kernels)
      return [out, dq, dk, dv]
    }
    let reference = gradients(cvec_at_level(cvec_level_portable)!)
    #expect(reference[1].contains { $0 != 0 } && reference[2].contains { $0 != 0 } && reference[3].contains { $0 != 0 })
    // Masked query 3 of item 0 gets no gradient; nor do the padded keys 17, 18.
    #expect(reference[1][(3 * d.keyWidth)..<(4 * d.keyWidth)].allSatisfy { $0 == 0 })
    #expect(reference[2][(17 * d.keyWidth)..<(19 * d.keyWidth)].allSatisfy { $0 == 0 })
    for kernels in VectorKernels.available {
      let other = gradients(kernels)
      for (a, b) in zip(reference, other) {
        var worst: Float = 0
        for i in a.indices { worst = max(worst, abs(a[i] - b[i])) }
        #expect(worst < 1e-5, "\(VectorKernels.name(kernels)): worst difference \(worst)")
      }
    }
  }
}
