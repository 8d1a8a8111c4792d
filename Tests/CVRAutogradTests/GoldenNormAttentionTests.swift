// Layer norm, masked attention and batch norm against PyTorch (float64) fixtures
// written by Scripts/reference/golden_norm_attention.py; gradients are those of
// sum(output · w) for the fixture's w.
import CVRAutograd
import CVRTestSupport
import Foundation
import Testing

/// One fixture file: named tensors, each a shape and its row-major values.
struct GoldenFixture {
  struct Entry: Decodable {
    let shape: [Int]
    let data: [Double]
  }
  let entries: [String: Entry]

  init(_ name: String) throws {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden/\(name)")
    entries = try JSONDecoder().decode([String: Entry].self, from: Data(contentsOf: url))
  }

  func values(_ key: String) -> [Float] { entries[key]!.data.map { Float($0) } }
  func shape(_ key: String) -> Shape { Shape(entries[key]!.shape) }
  func parameter(_ key: String) -> Parameter { Parameter(key, shape: shape(key), values: values(key)) }

  /// Whether `actual` matches the fixture's `key` within ~1e-5 relative.
  func check(_ actual: [Float], _ key: String, rtol: Float = 2e-5, atol: Float = 2e-6) {
    let (ok, message) = allClose(actual, values(key), rtol: rtol, atol: atol)
    #expect(ok, "\(key): \(message)")
  }
}

extension Tape {
  /// Back-propagates sum(output · w) with the fixture's projection `w`.
  func backward(_ output: Tensor, projection fixture: GoldenFixture) {
    let w = fixture.values("w")
    precondition(w.count == output.count)
    w.withUnsafeBufferPointer { backward(output, gradient: $0.baseAddress!) }
  }
}

@Suite struct GoldenNormAttentionTests {
  @Test func layerNormMatchesTorch() throws {
    let f = try GoldenFixture("layer_norm.json")
    let (x, gain, bias) = (f.parameter("x"), f.parameter("gain"), f.parameter("bias"))
    let tape = Tape()
    let y = tape.layerNorm(tape.param(x), gain: tape.param(gain), bias: tape.param(bias), epsilon: 1e-5)
    f.check(y.toArray(), "y")
    tape.backward(y, projection: f)
    f.check(Array(x.grad), "dx")
    f.check(Array(gain.grad), "dgain")
    f.check(Array(bias.grad), "dbias")
  }

  @Test func maskedAttentionMatchesTorch() throws {
    let f = try GoldenFixture("masked_attention.json")
    let (q, k, v) = (f.parameter("query"), f.parameter("key"), f.parameter("value"))
    let heads = Int(f.values("heads")[0])
    let tape = Tape()
    let out = tape.attention(query: tape.param(q), key: tape.param(k), value: tape.param(v),
                             keyMask: tape.constant(f.values("mask"), f.shape("mask")), heads: heads)
    #expect(out.shape == f.shape("out"))
    f.check(out.toArray(), "out")
    tape.backward(out, projection: f)
    f.check(Array(q.grad), "dquery")
    f.check(Array(k.grad), "dkey")
    f.check(Array(v.grad), "dvalue")
  }

  @Test func batchNormTrainingMatchesTorch() throws {
    let f = try GoldenFixture("batch_norm.json")
    let (x, gain, bias) = (f.parameter("x"), f.parameter("gain"), f.parameter("bias"))
    let runningMean = Parameter("running_mean", shape: f.shape("running_mean"), isState: true)
    let runningVar = Parameter("running_var", shape: f.shape("running_var"), isState: true)
    _ = runningMean.value.update(fromContentsOf: f.values("running_mean"))
    _ = runningVar.value.update(fromContentsOf: f.values("running_var"))
    let tape = Tape()
    let y = tape.batchNorm(tape.param(x), gain: tape.param(gain), bias: tape.param(bias), runningMean: runningMean,
                           runningVar: runningVar, training: true, momentum: 0.1, epsilon: 1e-5)
    f.check(y.toArray(), "y")
    f.check(runningMean.values(), "running_mean_after")
    f.check(runningVar.values(), "running_var_after")
    tape.backward(y, projection: f)
    f.check(Array(x.grad), "dx")
    f.check(Array(gain.grad), "dgain")
    f.check(Array(bias.grad), "dbias")
  }
}
