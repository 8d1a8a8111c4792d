// The squared MMD op: zero for identical batches, growing with a mean shift,
// equal to the golden values of Scripts/golden-mmd.py, gradients against
// finite differences for both kernels.
import CVRAutograd
import CVRTestSupport
import Testing

@Suite struct MMDTests {
  // The fixture of Scripts/golden-mmd.py.
  static let x: [Float] = [0.3, -1.2, 0.5, 1.1, 0.4, -0.7, -0.6, 0.9, 0.2, 0.0, -0.3, 1.4]
  static let y: [Float] = [0.8, -0.5, 0.1, 1.5, 1.0, -0.2, -0.1, 0.2, 0.9, 0.4, -1.0, 1.8]

  static func mmd(_ x: [Float], _ y: [Float], rows: Int, kernel: MMDKernel = .single) -> Float {
    let tape = Tape(recording: false)
    let d = x.count / rows
    return tape.mmdSquared(tape.constant(x, Shape(rows, d)), tape.constant(y, Shape(rows, d)), kernel: kernel).scalar
  }

  @Test func matchesTheGoldenValues() {
    // python3 Scripts/golden-mmd.py (numpy 2.4.6):
    //   single sigma=3.6782142857 mmd2=0.0734093093
    //   multi  sigma=3.6782142857 mmd2=0.5107007606
    //   single X vs X+1 mmd2=0.4948385488
    #expect(abs(Self.mmd(Self.x, Self.y, rows: 4) - 0.0734093093) < 1e-5)
    #expect(abs(Self.mmd(Self.x, Self.y, rows: 4, kernel: .multiBandwidth) - 0.5107007606) < 1e-5)
    #expect(abs(Self.mmd(Self.x, Self.x.map { $0 + 1 }, rows: 4) - 0.4948385488) < 1e-5)
  }

  @Test func isZeroForIdenticalBatches() {
    for kernel in [MMDKernel.single, .multiBandwidth] {
      #expect(abs(Self.mmd(Self.x, Self.x, rows: 4, kernel: kernel)) < 1e-6)
      #expect(abs(Self.mmd(Self.y, Self.y, rows: 2, kernel: kernel)) < 1e-6)
    }
    // One point repeated: every distance 0, the bandwidth falls back to 1.
    #expect(Self.mmd([1, 2, 1, 2], [1, 2, 1, 2], rows: 2) == 0)
  }

  @Test func growsWithAMeanShift() {
    for kernel in [MMDKernel.single, .multiBandwidth] {
      var previous: Float = -1
      for shift in [0, 0.25, 0.5, 1, 2] as [Float] {
        let value = Self.mmd(Self.x, Self.x.map { $0 + shift }, rows: 4, kernel: kernel)
        #expect(value > previous, "shift \(shift): \(value) after \(previous)")
        previous = value
      }
    }
  }

  @Test(arguments: [MMDKernel.single, .multiBandwidth])
  func gradientsMatchFiniteDifferences(_ kernel: MMDKernel) {
    let x = randomParameter("x", Shape(5, 3), seed: 1), y = randomParameter("y", Shape(5, 3), seed: 2, in: -0.5, 1.5)
    let result = checkGradients([x, y], epsilon: 1e-3) { tape in
      tape.mmdSquared(tape.param(x), tape.param(y), kernel: kernel)
    }
    #expect(result.passed, "\(result)")
  }
}
