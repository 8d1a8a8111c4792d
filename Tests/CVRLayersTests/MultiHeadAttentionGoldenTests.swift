// MultiHeadAttention against PyTorch (float64) golden values, with the
// authors'-code options off and on. Fixtures: Scripts/reference/golden_mha.py.
import CVRAutograd
import CVRCore
import CVRKernels
import CVRLayers
import Foundation
import Testing

private struct MHAFixture: Decodable {
  struct Tensor: Decodable { let shape: [Int]; let value: [Float]; let grad: [Float] }
  let batch, queryLen, keyLen, queryDim, keyDim, heads, units: Int
  let outputShape: [Int]
  let query, keys, keyMask, output, probe, gradQuery, gradKeys: [Float]
  let parameters: [String: Tensor]

  static func load(_ name: String) throws -> MHAFixture {
    let url = try #require(Bundle.module.url(forResource: name, withExtension: "json", subdirectory: "Golden"))
    return try JSONDecoder().decode(MHAFixture.self, from: Data(contentsOf: url))
  }
}

private func expectClose(_ got: [Float], _ want: [Float], _ what: String, tolerance: Float = 2e-5) {
  #expect(got.count == want.count, "\(what): \(got.count) values, want \(want.count)")
  var worst: Float = 0
  var worstIndex = 0
  for i in 0..<min(got.count, want.count) {
    let err = abs(got[i] - want[i]) / max(1, abs(want[i]))
    if err > worst { worst = err; worstIndex = i }
  }
  #expect(worst <= tolerance, "\(what): worst relative error \(worst) at \(worstIndex)")
}

@Suite struct MultiHeadAttentionGoldenTests {
  @Test(arguments: ["plain", "authors"])
  func matchesPyTorch(_ name: String) throws {
    let f = try MHAFixture.load("mha_\(name)")
    let config: MultiHeadAttention.Config =
      name == "authors"
      ? .authors(queryDim: f.queryDim, keyDim: f.keyDim, heads: f.heads, units: f.units)
      : .init(queryDim: f.queryDim, keyDim: f.keyDim, heads: f.heads, units: f.units, outputProjection: f.outputShape[2])
    var rng = SeededGenerator(seed: 1)
    let mha = MultiHeadAttention(config, name: "mha", rng: &rng)
    #expect(Set(mha.parameters.map(\.name)) == Set(f.parameters.keys), "parameter names match the fixture")
    for p in mha.parameters {
      let fixture = try #require(f.parameters[p.name], "fixture lacks \(p.name)")
      #expect(fixture.shape == p.shape.dims, "\(p.name) shape")
      _ = p.value.update(fromContentsOf: fixture.value)
    }

    let tape = Tape()
    let query = tape.variable(f.query, Shape(f.batch, f.queryLen, f.queryDim))
    let keys = tape.variable(f.keys, Shape(f.batch, f.keyLen, f.keyDim))
    let mask = tape.constant(f.keyMask, Shape(f.batch, f.keyLen))
    let out = mha(query, keys: keys, keyMask: mask, tape)
    #expect(out.shape.dims == f.outputShape)
    expectClose(out.toArray(), f.output, "output")

    f.probe.withUnsafeBufferPointer { tape.backward(out, gradient: $0.baseAddress!) }
    expectClose(tape.gradient(of: query), f.gradQuery, "d query")
    expectClose(tape.gradient(of: keys), f.gradKeys, "d keys")
    for p in mha.parameters {
      expectClose(Array(p.grad), f.parameters[p.name]!.grad, "d \(p.name)", tolerance: 5e-5)
    }
  }
}
