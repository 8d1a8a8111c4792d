// Kernel-level checks: how broadcast shapes merge into loops, tanh accuracy,
// strided copies, the tiled transpose and the tiled axis sums.
import CVRKernels
import Foundation
import Testing

@Suite struct ElementwiseKernelTests {
  @Test func broadcastPlansMergeAxesThatBroadcastAlike() throws {
    // [B, T, C] + [C]: batch and time merge into one row axis → one bias-row loop.
    let bias = try #require(BroadcastPlan(a: Dims4(1, 2, 3, 5), b: Dims4(1, 1, 1, 5)))
    #expect(bias.output == Dims4(1, 2, 3, 5))
    #expect(bias.dims == Dims4(1, 1, 6, 5))
    #expect(bias.aStrides == Dims4(0, 0, 5, 1) && bias.bStrides == Dims4(0, 0, 0, 1))
    // Same shapes collapse to one flat loop.
    let same = try #require(BroadcastPlan(a: Dims4(1, 2, 3, 5), b: Dims4(1, 2, 3, 5)))
    #expect(same.dims == Dims4(1, 1, 1, 30) && same.bStrides.d3 == 1)
    // Per-row scalar [N, C] · [N, 1]: inner stride 0 on b.
    let perRow = try #require(BroadcastPlan(a: Dims4(1, 1, 7, 3), b: Dims4(1, 1, 7, 1)))
    #expect(perRow.dims == Dims4(1, 1, 7, 3) && perRow.bStrides == Dims4(0, 0, 1, 0))
    // Scalar: one flat loop, b stride 0.
    let scalar = try #require(BroadcastPlan(a: Dims4(1, 1, 4, 6), b: Dims4()))
    #expect(scalar.dims == Dims4(1, 1, 1, 24) && scalar.bStrides == Dims4(0, 0, 0, 0))
    // Interleaved broadcasting keeps every axis.
    let mixed = try #require(BroadcastPlan(a: Dims4(2, 1, 3, 1), b: Dims4(1, 4, 1, 5)))
    #expect(mixed.output == Dims4(2, 4, 3, 5) && mixed.dims == Dims4(2, 4, 3, 5))
    #expect(mixed.aStrides == Dims4(3, 0, 1, 0) && mixed.bStrides == Dims4(0, 5, 0, 1))
  }

  @Test func incompatibleShapesHaveNoPlan() {
    #expect(BroadcastPlan(a: Dims4(1, 1, 3, 4), b: Dims4(1, 1, 1, 5)) == nil)
    #expect(BroadcastPlan(a: Dims4(1, 2, 3, 4), b: Dims4(1, 3, 3, 4)) == nil)
  }

  @Test func broadcastForwardAndBackwardOfAnOuterProduct() {
    // [3, 1] · [1, 2]: out[i, j] = a[i]·b[j]; with g = 1, dA[i] = Σ_j b[j], dB[j] = Σ_i a[i].
    let a: [Float] = [1, 2, 3], b: [Float] = [10, 20], g = [Float](repeating: 1, count: 6)
    var out = [Float](repeating: 0, count: 6), dA = [Float](repeating: 0, count: 3), dB: [Float] = [0, 0]
    let plan = BroadcastPlan(a: Dims4(1, 1, 3, 1), b: Dims4(1, 1, 1, 2))!
    Broadcast.apply(.multiply, a, b, into: &out, plan: plan)
    #expect(out == [10, 20, 20, 40, 30, 60])
    Broadcast.backward(.multiply, gradOutput: g, a, b, dA: &dA, dB: &dB, plan: plan)
    #expect(dA == [30, 30, 30] && dB == [6, 6])
  }

  @Test func tanhIsAccurateAcrossTheRange() {
    var worst: Double = 0
    var x: Float = -12
    while x < 12 {
      let got = Double(Activation.tanh(x))
      let want = Foundation.tanh(Double(x))
      worst = max(worst, abs(got - want) / max(abs(want), 1e-30))
      x += 0.001_37
    }
    #expect(worst < 4e-7, "worst relative error \(worst)")
    #expect(Activation.tanh(0) == 0 && Activation.tanh(1e-30) == 1e-30)
    #expect(Activation.tanh(100) == 1 && Activation.tanh(-100) == -1)
    #expect(Activation.tanh(.infinity) == 1)
  }

  @Test func transposeAndItsAccumulatingTwin() {
    // Sizes off the 16-wide tile grid.
    let (batch, rows, cols) = (2, 19, 35)
    let x = (0..<(batch * rows * cols)).map { Float($0) }
    var y = [Float](repeating: 0, count: x.count)
    Elementwise.transposeLastAxes(x, into: &y, batch: batch, rows: rows, cols: cols)
    for b in 0..<batch {
      for i in 0..<rows {
        for j in 0..<cols where y[(b * cols + j) * rows + i] != x[(b * rows + i) * cols + j] {
          Issue.record("y[\(b), \(j), \(i)] != x[\(b), \(i), \(j)]")
          return
        }
      }
    }
    var back = [Float](repeating: 1, count: x.count)
    Elementwise.accumulateTransposed(y, into: &back, batch: batch, rows: rows, cols: cols)
    #expect(back == x.map { $0 + 1 })
  }

  @Test func blockCopiesRespectStrides() {
    let src: [Float] = [1, 2, 3, 4, 5, 6, 7, 8]  // [2, 4]
    var dst = [Float](repeating: 0, count: 6)  // [2, 3]
    src.withUnsafeBufferPointer { s in
      dst.withUnsafeMutableBufferPointer { d in
        Elementwise.copyBlocks(s.baseAddress! + 1, srcStride: 4, into: d.baseAddress! + 1, dstStride: 3, rows: 2, width: 2)
      }
    }
    #expect(dst == [0, 2, 3, 0, 6, 7])
    Elementwise.accumulateBlocks(src, srcStride: 4, into: &dst, dstStride: 3, rows: 2, width: 1)
    #expect(dst == [1, 2, 3, 5, 6, 7])
  }

  @Test func axisSumsAccumulateInDouble() {
    // 2^24 + 1 + 1 … in Float would stall at 2^24; Double accumulation does not.
    let dim = 1000
    var x = [Float](repeating: 1, count: dim * 300)
    for i in 0..<300 { x[i] = 16_777_216 }
    var out = [Float](repeating: 0, count: 300)
    Reduce.sumAxis(x, outer: 1, dim: dim, inner: 300, into: &out)
    #expect(out.allSatisfy { $0 == 16_777_216 + 999 })
    var rows = [Float](repeating: 0, count: 1)
    Reduce.sumAxis(x, outer: 1, dim: x.count, inner: 1, alpha: 0.5, into: &rows)
    #expect(rows[0] == Float((16_777_216.0 * 300 + Double(x.count - 300)) * 0.5))
  }

  @Test func crossEntropyKernelIsStable() {
    #expect(Loss.logitLoss(0, 1) == Float(Foundation.log(2.0)))
    #expect(Loss.logitLoss(100, 0) == 100 && Loss.logitLoss(-100, 1) == 100)
    #expect(Loss.logitLoss(100, 1) == 0 && Loss.logitLoss(-100, 0) == 0)
    #expect(Loss.logitLoss(1e30, 0).isFinite)
  }
}
