// Self-attention over one masked sequence takes the packed path (projections over
// kept rows only): its kept rows equal the padded computation's, its padded rows
// are 0, and its gradients pass a finite-difference check.
import CVRAutograd
import CVRCore
import CVRKernels
import CVRLayers
import CVRTestSupport
import Testing

@Suite struct PackedSelfAttentionTests {
  // B = 3, T = 4: lengths 2, 4 and 1 (trailing padding), width 5, 2 heads of 3 (units 6).
  static let mask: [Float] = [1, 1, 0, 0, 1, 1, 1, 1, 1, 0, 0, 0]
  static func layer(outputProjection: Int?) -> MultiHeadAttention {
    var rng = SeededGenerator(seed: 9)
    return MultiHeadAttention(.init(queryDim: 5, keyDim: 5, heads: 2, units: 6, valueUnits: 6,
                                    outputProjection: outputProjection), rng: &rng)
  }

  @Test(arguments: [nil, 7] as [Int?])
  func keptRowsMatchThePaddedPath(outputProjection: Int?) {
    let attention = Self.layer(outputProjection: outputProjection)
    let x = randomParameter("x", Shape(3, 4, 5), seed: 2)
    let tape = Tape(recording: false)
    let input = tape.param(x)
    let shared = tape.constant(Self.mask, Shape(3, 4))
    // Two mask tensors with equal values but different memory: the padded path.
    let keyCopy = tape.constant(Self.mask, Shape(3, 4))
    let packed = attention(input, keys: input, keyMask: shared, queryMask: shared, tape).toArray()
    let padded = attention(input, keys: input, keyMask: keyCopy, queryMask: shared, tape).toArray()
    let width = attention.outputDim
    for i in 0..<packed.count {
      if Self.mask[i / width] != 0 {
        #expect(abs(packed[i] - padded[i]) <= 1e-5 + 1e-5 * abs(padded[i]), "element \(i)")
      } else {
        #expect(packed[i] == 0, "padded element \(i)")
      }
    }
  }

  @Test func gradientsThroughThePackedPath() {
    let attention = Self.layer(outputProjection: 7)
    let x = randomParameter("x", Shape(3, 4, 5), seed: 5)
    let result = checkGradients([x] + attention.parameters) { tape in
      let input = tape.param(x)
      let mask = tape.constant(Self.mask, Shape(3, 4))
      return attention(input, keys: input, keyMask: mask, queryMask: mask, tape)
    }
    #expect(result.passed, "\(result)")
  }
}
