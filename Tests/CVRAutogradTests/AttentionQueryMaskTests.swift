// The attention op's query mask: out = queryMask ⊙ attention, checked against
// the unmasked op times the mask, with gradient checks (interior and trailing
// padded queries, a fully padded item).
import CVRAutograd
import CVRKernels
import CVRTestSupport
import Testing

@Suite struct AttentionQueryMaskTests {
  /// (case, query mask [B·Tq]).
  static let cases: [(AttentionCase, [Float])] = [
    // Self-attention shape: queries masked like keys (trailing padding), two heads.
    (AttentionCase(batch: 2, queryLength: 5, keyLength: 5, heads: 2, keyDim: 3, valueDim: 2,
                   mask: [1, 1, 1, 0, 0, 1, 1, 1, 1, 1]), [1, 1, 1, 0, 0, 1, 1, 1, 1, 1]),
    // Interior masked query, Tq ≠ Tk, odd sizes.
    (AttentionCase(batch: 3, queryLength: 3, keyLength: 4, heads: 1, keyDim: 3, valueDim: 1,
                   mask: [1, 0, 1, 1, 1, 1, 0, 0, 1, 1, 1, 1]), [1, 0, 1, 0, 1, 0, 1, 1, 1]),
    // Item 1's queries all padded; item 0 keys all kept.
    (AttentionCase(batch: 2, queryLength: 3, keyLength: 3, heads: 1, keyDim: 1, valueDim: 3, mask: nil),
     [1, 1, 0, 0, 0, 0]),
  ]

  func run(_ c: AttentionCase, _ queryMask: [Float], _ tape: Tape, _ q: Parameter, _ k: Parameter, _ v: Parameter)
    -> Tensor
  {
    tape.attention(query: tape.param(q), key: tape.param(k), value: tape.param(v),
                   keyMask: c.mask.map { tape.constant($0, Shape(c.batch, c.keyLength)) },
                   queryMask: tape.constant(queryMask, Shape(c.batch, c.queryLength)), heads: c.heads)
  }

  @Test(arguments: 0..<cases.count)
  func equalsUnmaskedTimesMask(_ index: Int) {
    let (c, queryMask) = Self.cases[index]
    let (q, k, v) = c.parameters(seed: 7)
    let out = run(c, queryMask, Tape(), q, k, v).toArray()
    let reference = c.naive(q, k, v)
    let width = c.heads * c.valueDim
    var expected = reference
    for i in 0..<expected.count where queryMask[i / width] == 0 { expected[i] = 0 }
    let (ok, message) = allClose(out, expected, rtol: 1e-5, atol: 1e-6)
    #expect(ok, "\(c): \(message)")
    // Masked rows are exactly zero, not merely small.
    for i in 0..<out.count where queryMask[i / width] == 0 { #expect(out[i] == 0) }
  }

  @Test(arguments: 0..<cases.count)
  func gradients(_ index: Int) {
    let (c, queryMask) = Self.cases[index]
    let (q, k, v) = c.parameters(seed: 8)
    let result = checkGradients([q, k, v]) { tape in run(c, queryMask, tape, q, k, v) }
    #expect(result.passed, "\(c): \(result)")
  }
}
