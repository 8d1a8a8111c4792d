// Layer norm and batch norm in the C vector kernels at every level this CPU runs,
// against the Swift reference bodies: batch norm bit for bit (its Double sums add
// in the same order), layer norm within a few ulp (its row sums add by lanes).
import CVRCore
import CVRKernels
import Testing

@Suite struct NormalizationKernelTests {
  static func values(_ count: Int, seed: UInt64, offset: Float = 0) -> [Float] {
    var rng = SeededGenerator(seed: seed)
    return (0..<count).map { _ in offset + rng.nextFloat(in: -2, 2) }
  }

  static let shapes = [(2, 1), (3, 7), (5, 16), (33, 37), (8, 100), (64, 424)]

  static func close(_ a: [Float], _ b: [Float], relative: Float = 2e-6) -> Bool {
    zip(a, b).allSatisfy { abs($0 - $1) <= relative * max(1, abs($1)) }
  }

  @Test func layerNormMatchesTheReferenceAtEveryLevel() {
    for kernels in VectorKernels.available {
      for (rows, cols) in Self.shapes {
        for affine in [false, true] {
          let x = Self.values(rows * cols, seed: UInt64(rows * cols), offset: 30)  // a large mean: the residual matters
          let dy = Self.values(rows * cols, seed: 7)
          let gain = affine ? Self.values(cols, seed: 8) : nil
          let bias = affine ? Self.values(cols, seed: 9) : nil
          var (y, yRef) = ([Float](repeating: .nan, count: rows * cols), [Float](repeating: .nan, count: rows * cols))
          var (mean, meanRef) = ([Float](repeating: 0, count: 2 * rows), [Float](repeating: 0, count: 2 * rows))
          var (inv, invRef) = ([Float](repeating: 0, count: rows), [Float](repeating: 0, count: rows))
          LayerNorm.forward(x, rows: rows, cols: cols, gain: gain, bias: bias, epsilon: 1e-5, into: &y, mean: &mean,
                            inverseStd: &inv, kernels: kernels)
          LayerNorm.referenceForward(x, rows: rows, cols: cols, gain: gain, bias: bias, epsilon: 1e-5, into: &yRef,
                                     mean: &meanRef, inverseStd: &invRef)
          let name = "\(VectorKernels.name(kernels)) \(rows)x\(cols) affine \(affine)"
          #expect(Self.close(y, yRef), "\(name): y")
          #expect(Self.close(inv, invRef), "\(name): 1/σ")
          // hi + lo is the Double mean to ~48 bits either way.
          for i in 0..<rows {
            #expect(abs((Double(mean[i]) + Double(mean[rows + i])) - (Double(meanRef[i]) + Double(meanRef[rows + i])))
                    < 1e-10, "\(name): mean of row \(i)")
          }
          let start = Self.values(rows * cols, seed: 10)
          var (dx, dxRef) = (start, start)
          var (dg, dgRef) = ([Float](repeating: 1, count: cols), [Float](repeating: 1, count: cols))
          var (db, dbRef) = ([Float](repeating: 1, count: cols), [Float](repeating: 1, count: cols))
          LayerNorm.backward(x, gradOutput: dy, rows: rows, cols: cols, gain: gain, mean: meanRef, inverseStd: invRef,
                             dx: &dx, dGain: &dg, dBias: &db, kernels: kernels)
          LayerNorm.referenceBackward(x, gradOutput: dy, rows: rows, cols: cols, gain: gain, mean: meanRef,
                                      inverseStd: invRef, dx: &dxRef, dGain: &dgRef, dBias: &dbRef)
          #expect(Self.close(dx, dxRef, relative: 1e-5), "\(name): dx")
          #expect(dg == dgRef, "\(name): dgain (no reduction over the row: bit for bit)")
          #expect(db == dbRef, "\(name): dbias")
        }
      }
    }
  }

  @Test func batchNormIsBitIdenticalToTheReferenceAtEveryLevel() {
    for kernels in VectorKernels.available {
      for (rows, cols) in Self.shapes {
        for affine in [false, true] {
          let name = "\(VectorKernels.name(kernels)) \(rows)x\(cols) affine \(affine)"
          let x = Self.values(rows * cols, seed: UInt64(rows + cols), offset: -20)
          let dy = Self.values(rows * cols, seed: 11)
          let gain = affine ? Self.values(cols, seed: 12) : nil
          let bias = affine ? Self.values(cols, seed: 13) : nil
          var (rm, rmRef) = (Self.values(cols, seed: 14), Self.values(cols, seed: 14))
          var (rv, rvRef) = ([Float](repeating: 1.5, count: cols), [Float](repeating: 1.5, count: cols))
          var (y, yRef) = ([Float](repeating: .nan, count: rows * cols), [Float](repeating: .nan, count: rows * cols))
          var (mean, meanRef) = ([Float](repeating: 0, count: 2 * cols), [Float](repeating: 0, count: 2 * cols))
          var (inv, invRef) = ([Float](repeating: 0, count: cols), [Float](repeating: 0, count: cols))
          BatchNorm.trainingForward(x, rows: rows, cols: cols, gain: gain, bias: bias, epsilon: 1e-5, momentum: 0.1,
                                    runningMean: &rm, runningVariance: &rv, into: &y, mean: &mean, inverseStd: &inv,
                                    kernels: kernels)
          BatchNorm.referenceTrainingForward(x, rows: rows, cols: cols, gain: gain, bias: bias, epsilon: 1e-5,
                                             momentum: 0.1, runningMean: &rmRef, runningVariance: &rvRef,
                                             into: &yRef, mean: &meanRef, inverseStd: &invRef)
          #expect(y == yRef && mean == meanRef && inv == invRef, "\(name): training forward")
          #expect(rm == rmRef && rv == rvRef, "\(name): running statistics")
          for training in [true, false] {
            let start = Self.values(rows * cols, seed: 15)
            var (dx, dxRef) = (start, start)
            var (dg, dgRef) = ([Float](repeating: 1, count: cols), [Float](repeating: 1, count: cols))
            var (db, dbRef) = ([Float](repeating: 1, count: cols), [Float](repeating: 1, count: cols))
            BatchNorm.backward(x, gradOutput: dy, rows: rows, cols: cols, gain: gain, mean: mean, inverseStd: inv,
                               batchStatistics: training, dx: &dx, dGain: &dg, dBias: &db, kernels: kernels)
            BatchNorm.referenceBackward(x, gradOutput: dy, rows: rows, cols: cols, gain: gain, mean: mean,
                                        inverseStd: inv, batchStatistics: training, dx: &dxRef, dGain: &dgRef,
                                        dBias: &dbRef)
            #expect(dx == dxRef && dg == dgRef && db == dbRef, "\(name): backward, batch statistics \(training)")
          }
          BatchNorm.inferenceForward(x, rows: rows, cols: cols, gain: gain, bias: bias, epsilon: 1e-5,
                                     runningMean: rm, runningVariance: rv, into: &y, mean: &mean, inverseStd: &inv,
                                     kernels: kernels)
          BatchNorm.referenceInferenceForward(x, rows: rows, cols: cols, gain: gain, bias: bias, epsilon: 1e-5,
                                              runningMean: rm, runningVariance: rv, into: &yRef, mean: &meanRef,
                                              inverseStd: &invRef)
          #expect(y == yRef && mean == meanRef && inv == invRef, "\(name): inference forward")
        }
      }
    }
  }
}
