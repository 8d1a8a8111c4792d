// The fused attention op: values against the naive kernel, gradient checks for
// query, key and value with and without masks, and fully padded batch items.
import CVRAutograd
import CVRKernels
import CVRTestSupport
import Testing

/// One attention configuration; `mask` is [B·Tk] or nil.
struct AttentionCase: CustomStringConvertible, Sendable {
  var batch, queryLength, keyLength, heads, keyDim, valueDim: Int
  var mask: [Float]?
  var description: String {
    "B=\(batch) Tq=\(queryLength) Tk=\(keyLength) H=\(heads) dk=\(keyDim) dv=\(valueDim) mask=\(mask.map { "\($0)" } ?? "nil")"
  }
  var dimensions: Attention.Dimensions {
    Attention.Dimensions(batch: batch, heads: heads, queryLength: queryLength, keyLength: keyLength,
                         keyDim: keyDim, valueDim: valueDim)
  }

  func parameters(seed: UInt64, requiresGrad: Bool = true) -> (Parameter, Parameter, Parameter) {
    (randomParameter("query", Shape(batch, queryLength, heads * keyDim), seed: seed, requiresGrad: requiresGrad),
     randomParameter("key", Shape(batch, keyLength, heads * keyDim), seed: seed + 1, requiresGrad: requiresGrad),
     randomParameter("value", Shape(batch, keyLength, heads * valueDim), seed: seed + 2, requiresGrad: requiresGrad))
  }

  func run(_ tape: Tape, _ q: Parameter, _ k: Parameter, _ v: Parameter) -> Tensor {
    tape.attention(query: tape.param(q), key: tape.param(k), value: tape.param(v),
                   keyMask: mask.map { tape.constant($0, Shape(batch, keyLength)) }, heads: heads)
  }

  /// The naive kernel's output for these parameters.
  func naive(_ q: Parameter, _ k: Parameter, _ v: Parameter) -> [Float] {
    var out = [Float](repeating: .nan, count: batch * queryLength * heads * valueDim)
    var scratch = [Float](repeating: 0, count: queryLength * keyLength)
    let maskCopy = mask ?? []
    maskCopy.withUnsafeBufferPointer { m in
      Attention.naiveForward(query: q.value.baseAddress!, key: k.value.baseAddress!, value: v.value.baseAddress!,
                             keyMask: mask == nil ? nil : m.baseAddress!, dimensions, output: &out, scratch: &scratch)
    }
    return out
  }
}

@Suite struct AttentionGradientTests {
  static let cases = [
    // Interior and trailing padding, two heads, Tq ≠ Tk.
    AttentionCase(batch: 2, queryLength: 3, keyLength: 5, heads: 2, keyDim: 3, valueDim: 2,
                  mask: [1, 0, 1, 1, 0, 1, 1, 1, 0, 0]),
    AttentionCase(batch: 2, queryLength: 3, keyLength: 5, heads: 1, keyDim: 3, valueDim: 4,
                  mask: [1, 1, 1, 1, 1, 1, 1, 0, 0, 0]),
    AttentionCase(batch: 1, queryLength: 1, keyLength: 1, heads: 1, keyDim: 1, valueDim: 1, mask: nil),
    AttentionCase(batch: 3, queryLength: 4, keyLength: 2, heads: 2, keyDim: 1, valueDim: 3, mask: nil),
    // Batch item 1 is fully padded.
    AttentionCase(batch: 3, queryLength: 5, keyLength: 3, heads: 2, keyDim: 2, valueDim: 2,
                  mask: [1, 1, 0, 0, 0, 0, 0, 1, 1]),
  ]

  @Test(arguments: cases)
  func forwardMatchesNaiveKernel(_ c: AttentionCase) {
    let (q, k, v) = c.parameters(seed: 1)
    let tape = Tape()
    let out = c.run(tape, q, k, v)
    #expect(out.shape == Shape(c.batch, c.queryLength, c.heads * c.valueDim))
    let (ok, message) = allClose(out.toArray(), c.naive(q, k, v), rtol: 1e-5, atol: 1e-6)
    #expect(ok, "\(c): \(message)")
  }

  @Test(arguments: cases)
  func gradients(_ c: AttentionCase) {
    let (q, k, v) = c.parameters(seed: 2)
    let result = checkGradients([q, k, v]) { tape in c.run(tape, q, k, v) }
    #expect(result.passed, "\(c): \(result)")
  }

  @Test func gradientToValueOnlyWhenQueryAndKeyAreFrozen() {
    let c = Self.cases[0]
    let (q, k, _) = c.parameters(seed: 3, requiresGrad: false)
    let v = randomParameter("value", Shape(c.batch, c.keyLength, c.heads * c.valueDim), seed: 4)
    let result = checkGradients([v]) { tape in c.run(tape, q, k, v) }
    #expect(result.passed, "\(result)")
    #expect(!q.hasGrad && !k.hasGrad)
  }

  @Test func fullyPaddedItemGetsZeroOutputAndNoGradient() {
    let c = Self.cases[4]
    let (q, k, v) = c.parameters(seed: 5)
    let tape = Tape()
    let out = c.run(tape, q, k, v)
    let width = c.heads * c.valueDim, rowCount = c.queryLength * width
    let values = out.toArray()
    #expect(values[rowCount..<(2 * rowCount)].allSatisfy { $0 == 0 })
    #expect(values[0..<rowCount].contains { $0 != 0 })
    let seed = (0..<out.count).map { Float($0 % 5) - 2 }
    seed.withUnsafeBufferPointer { tape.backward(out, gradient: $0.baseAddress!) }
    let qWidth = c.heads * c.keyDim
    #expect(q.grad[(c.queryLength * qWidth)..<(2 * c.queryLength * qWidth)].allSatisfy { $0 == 0 })
    #expect(k.grad[(c.keyLength * qWidth)..<(2 * c.keyLength * qWidth)].allSatisfy { $0 == 0 })
    #expect(v.grad[(c.keyLength * width)..<(2 * c.keyLength * width)].allSatisfy { $0 == 0 })
    #expect(q.grad.contains { $0 != 0 } && k.grad.contains { $0 != 0 } && v.grad.contains { $0 != 0 })
  }

  @Test func untrackedCallMatchesTrackedAndRecordsNothing() {
    let c = Self.cases[0]
    let (q, k, v) = c.parameters(seed: 6)
    let tracked = c.run(Tape(), q, k, v).toArray()
    let tape = Tape(recording: false)
    let untracked = c.run(tape, q, k, v)
    #expect(untracked.toArray() == tracked)
    #expect(!untracked.requiresGrad && tape.nodeCount == 0)
  }
}
