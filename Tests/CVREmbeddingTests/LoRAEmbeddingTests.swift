// LoRA on an embedding table: identity at initialisation, gradients to A's rows
// and to B, the frozen base, and the merged export after a few SGD steps.
import CVRAutograd
import CVRCore
import CVREmbedding
import Testing

@Suite struct LoRAEmbeddingTests {
  func makeLoRA(seed: UInt64, paddingId: Int32? = 0, alpha: Float? = 8) -> LoRAEmbedding {
    let base = randomTable("field", vocab: 11, dim: 3, paddingId: paddingId, seed: seed)
    var rng = SeededGenerator(seed: seed + 1)
    return LoRAEmbedding(base: base, rank: 2, alpha: alpha, bStd: 0.5, rng: &rng)
  }

  @Test func atInitLookupsEqualTheBaseExactly() {
    let lora = makeLoRA(seed: 40)
    #expect(!lora.base.requiresGrad)
    #expect(lora.a.parameter.values().allSatisfy { $0 == 0 })
    #expect(lora.b.values().contains { $0 != 0 })
    let ids: [Int32] = [1, 0, 10, 4, 4, 7]
    let tape = Tape()
    #expect(lora.lookup(ids, batch: 2, fields: 3, tape).toArray() == naiveGather(lora.base, ids))
    #expect(lora.lookupPooled(ids, batch: 2, maxValues: 3, mode: .mean, tape).toArray()
              == naivePooled(lora.base, ids, maxValues: 3, lengths: nil, mean: true))
  }

  @Test(arguments: [(1, 1), (3, 5), (17, 1)])
  func gradientsToARowsAndB(_ dims: (Int, Int)) {
    let (batch, fields) = dims
    let lora = makeLoRA(seed: 41)
    // Move A off zero so that B's gradient is not trivially zero.
    var rng = SeededGenerator(seed: 42)
    lora.a.parameter.fill { rng.nextFloat(in: -1, 1) }
    var ids = randomIds(batch * fields, vocab: 11, seed: UInt64(batch * 31 + fields))
    ids[0] = 0  // padding
    let result = checkTableGradients(tables: [lora.a], dense: [lora.b]) { tape in
      lora.lookup(ids, batch: batch, fields: fields, tape)
    }
    #expect(result.passed, "\(dims): \(result)")
    #expect(!lora.base.parameter.hasGrad)
    #expect(lora.a.parameter.sparseGrad!.values(forRow: 0) == nil)
  }

  @Test func pooledGradientsToARowsAndB() {
    let lora = makeLoRA(seed: 43)
    var rng = SeededGenerator(seed: 44)
    lora.a.parameter.fill { rng.nextFloat(in: -1, 1) }
    let ids: [Int32] = [1, 1, 0, 0, 0, 0, 9, 3, 2]
    let result = checkTableGradients(tables: [lora.a], dense: [lora.b]) { tape in
      lora.lookupPooled(ids, batch: 3, maxValues: 3, mode: .mean, tape)
    }
    #expect(result.passed, "\(result)")
  }

  @Test func firstStepGradientReachesAOnly() {
    let lora = makeLoRA(seed: 45)
    let tape = Tape()
    tape.backward(tape.sum(lora.lookup([2, 5] as [Int32], batch: 2, fields: 1, tape)))
    // dA[id] = scale · 1ᵀ·Bᵀ = scale · row sums of B; dB = A[id]ᵀ · 1 = 0 at init.
    let b = lora.b.values()
    let expected = (0..<2).map { r in lora.scale * (b[r * 3] + b[r * 3 + 1] + b[r * 3 + 2]) }
    let dA = lora.a.parameter.sparseGrad!
    #expect(dA.count == 2)
    for row in [2, 5] {
      let got = Array(UnsafeBufferPointer(start: dA.values(forRow: row)!, count: 2))
      #expect(abs(got[0] - expected[0]) < 1e-5 && abs(got[1] - expected[1]) < 1e-5, "\(got) vs \(expected)")
    }
    #expect(lora.b.grad.allSatisfy { $0 == 0 })
  }

  @Test func mergedTableEqualsBasePlusScaledProductAfterSGD() {
    let lora = makeLoRA(seed: 46, alpha: 3)
    let lr: Float = 0.1
    for step in 0..<3 {
      let ids = randomIds(8, vocab: 11, seed: UInt64(100 + step))
      let target = randomIds(8 * 3, vocab: 5, seed: UInt64(200 + step)).map { Float($0) - 2 }
      let tape = Tape()
      let out = lora.lookup(ids, batch: 4, fields: 2, tape)
      let diff = tape.sub(out, tape.constant(target, out.shape))
      tape.backward(tape.sum(tape.mul(diff, diff)))
      let dA = lora.a.parameter.sparseGrad!
      for s in 0..<dA.count {
        let row = lora.a.row(dA.row(atSlot: s))
        for j in 0..<2 { row[j] -= lr * dA.values(atSlot: s)[j] }
      }
      for i in 0..<lora.b.value.count { lora.b.value[i] -= lr * lora.b.grad[i] }
      for p in lora.trainableParameters { p.zeroGrad() }
    }
    let e = lora.base.parameter.values(), a = lora.a.parameter.values(), b = lora.b.values()
    #expect(a.contains { $0 != 0 })
    var naive = e
    for r in 0..<11 {
      for j in 0..<3 {
        var dot: Double = 0
        for k in 0..<2 { dot += Double(a[r * 2 + k]) * Double(b[k * 3 + j]) }
        naive[r * 3 + j] += Float(Double(lora.scale) * dot)
      }
    }
    let merged = lora.merged()
    for (x, y) in zip(merged.parameter.values(), naive) { #expect(abs(x - y) <= 1e-5, "\(x) vs \(y)") }
    #expect(merged.paddingId == 0 && merged.vocab == 11 && merged.dim == 3)
    // The merged table answers lookups like the adapted one.
    let ids: [Int32] = [3, 0, 7, 10]
    let tape = Tape(recording: false)
    let adapted = lora.lookup(ids, batch: 2, fields: 2, tape).toArray()
    let plain = merged.lookup(ids, batch: 2, fields: 2, tape).toArray()
    for (x, y) in zip(adapted, plain) { #expect(abs(x - y) <= 1e-5) }
  }
}
