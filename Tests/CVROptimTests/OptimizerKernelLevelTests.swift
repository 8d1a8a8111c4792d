// The Adagrad and Adam updates in the C vector kernels at every level this CPU
// runs are bit-identical to the Swift reference kernels (AdagradKernel, AdamKernel),
// over lengths that exercise each level's tail, with and without weight decay.
import CVRCore
import CVRKernels
import Testing

@testable import CVROptim

@Suite struct OptimizerKernelLevelTests {
  static func values(_ count: Int, seed: UInt64, in range: ClosedRange<Float> = -1...1) -> [Float] {
    var rng = SeededGenerator(seed: seed)
    return (0..<count).map { _ in rng.nextFloat(in: range.lowerBound, range.upperBound) }
  }

  static let counts = [1, 7, 8, 16, 17, 33, 1000]

  @Test func adagradIsBitIdenticalToTheReferenceAtEveryLevel() {
    for kernels in VectorKernels.available {
      for count in Self.counts {
        for decay: Float in [0, 0.01] {
          let g = Self.values(count, seed: 1)
          var (p, pRef) = (Self.values(count, seed: 2), Self.values(count, seed: 2))
          var (s, sRef) = (Self.values(count, seed: 3, in: 0...1), Self.values(count, seed: 3, in: 0...1))
          for _ in 0..<3 {
            OptimizerUpdates.adagrad(value: &p, gradient: g, sum: &s, count: count, learningRate: 0.05,
                                     epsilon: 1e-10, weightDecay: decay, kernels: kernels)
            AdagradKernel.update(value: &pRef, gradient: g, sum: &sRef, count: count, learningRate: 0.05,
                                 epsilon: 1e-10, weightDecay: decay)
          }
          #expect(p == pRef && s == sRef, "\(VectorKernels.name(kernels)) count \(count) decay \(decay)")
          #expect(p != Self.values(count, seed: 2), "the update moved the parameters")
        }
      }
    }
  }

  @Test func adamIsBitIdenticalToTheReferenceAtEveryLevel() {
    for kernels in VectorKernels.available {
      for count in Self.counts {
        for (coupled, keep): (Float, Float) in [(0, 1), (0.01, 1), (0, 0.999)] {
          let g = Self.values(count, seed: 4)
          var (p, pRef) = (Self.values(count, seed: 5), Self.values(count, seed: 5))
          var (m, mRef) = ([Float](repeating: 0, count: count), [Float](repeating: 0, count: count))
          var (v, vRef) = ([Float](repeating: 0, count: count), [Float](repeating: 0, count: count))
          var (beta1Power, beta2Power): (Float, Float) = (1, 1)
          for _ in 1...3 {
            (beta1Power, beta2Power) = (beta1Power * 0.9, beta2Power * 0.999)
            let (stepSize, scale) = (1e-3 / (1 - beta1Power), 1 / (1 - beta2Power).squareRoot())
            OptimizerUpdates.adam(value: &p, gradient: g, m: &m, v: &v, count: count, beta1: 0.9, beta2: 0.999,
                                  stepSize: stepSize, varianceScale: scale, epsilon: 1e-8,
                                  coupledDecay: coupled, keep: keep, kernels: kernels)
            AdamKernel.update(value: &pRef, gradient: g, m: &mRef, v: &vRef, count: count, beta1: 0.9, beta2: 0.999,
                              stepSize: stepSize, varianceScale: scale, epsilon: 1e-8,
                              coupledDecay: coupled, keep: keep)
          }
          #expect(p == pRef && m == mRef && v == vRef,
                  "\(VectorKernels.name(kernels)) count \(count) coupled \(coupled) keep \(keep)")
          #expect(p != Self.values(count, seed: 5), "the update moved the parameters")
        }
      }
    }
  }
}
