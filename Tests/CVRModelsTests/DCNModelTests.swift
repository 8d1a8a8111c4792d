// DCN: the forward pass and log loss by hand from its parameters (cross
// recursion, ReLU deep net, combination layer), no sequence read; gradients,
// overfit, round trip.
import CVRAutograd
import CVRModels
import CVRTestSupport
import Foundation
import Testing

@Suite struct DCNModelTests {
  static func model(seed: UInt64 = 3, deep: [Int] = [6, 4]) throws -> DCNModel {
    var config = DCNModel.Config.demo
    config.deepWidths = deep
    config.crossDepth = 2
    config.occasionDim = 2
    return try DCNModel(plan: FeaturePlan(schema: ModelFixture.shared.schema), config: config, seed: seed)
  }

  static func clickedRows(_ count: Int) -> [Int32] {
    // Clicked rows with both labels: the mixed pool minus its unclicked rows.
    let rows = BaselineTesting.mixedRows(count: 3 * count, converted: max(2, count / 4))
    let batch = ModelFixture.shared.batch(rows)
    return Array((0..<batch.count).filter { batch.click[$0] == 1 }.map { rows[$0] }.prefix(count))
  }

  @Test func lossIsTheCrossAndDeepNetworkByHand() throws {
    let model = try Self.model()
    let batch = ModelFixture.shared.batch(Self.clickedRows(5))
    let tape = Tape(recording: false)
    let x0 = model.stackedInput(batch, tape)
    let d = model.inputDim
    #expect(x0.shape == Shape(batch.count, d))
    func linear(_ x: [Double], _ w: Parameter, _ bias: Parameter?) -> [Double] {
      let out = w.shape[0], inDim = w.shape[1]
      return (0..<out).map { o in
        (0..<inDim).reduce(Double(bias?.value[o] ?? 0)) { $0 + Double(w.value[o * inDim + $1]) * x[$1] }
      }
    }
    var expected = 0.0
    for b in 0..<batch.count {
      let input = (0..<d).map { Double(x0.data[b * d + $0]) }
      var x = input
      for (w, bias) in zip(model.cross.weights, model.cross.biases) {
        let s = (0..<d).reduce(0.0) { $0 + x[$1] * Double(w.value[$1]) }
        x = (0..<d).map { input[$0] * s + Double(bias.value[$0]) + x[$0] }
      }
      var h = input
      for layer in try #require(model.deep).layers { h = linear(h, layer.weight, layer.bias).map { max($0, 0) } }
      let z = linear(x + h, model.logit.weight, model.logit.bias)[0]
      let y = Double(batch.conversion[b])
      expected += -(y * -log1p(exp(-z)) + (1 - y) * -log1p(exp(z)))
    }
    expected /= Double(batch.count)
    let loss = Double(model.loss(batch, Tape(recording: false)).scalar)
    #expect(abs(loss - expected) < 1e-5 * max(1, expected), "loss \(loss) expected \(expected)")
    #expect(model.trainingSpace == .click && model.kind == "DCN")
  }

  @Test func theSequenceIsNotRead() throws {
    let model = try Self.model()
    #expect(!model.embedder.includeSequence && model.embedder.sequenceDim == 0)
    let names = model.parameters.map(\.name)
    #expect(Set(names).count == names.count)
    #expect(!names.contains { $0.contains("attention") })
  }

  @Test(arguments: [[6, 4], []])
  func gradientsMatchFiniteDifferences(deep: [Int]) throws {
    let model = try Self.model(deep: deep)
    let batch = ModelFixture.shared.batch(Self.clickedRows(5))
    let dense = BaselineTesting.denseGradientCheck(model, batch)
    #expect(dense.passed, "\(dense)")
    #expect(dense.skippedAtKinks * 10 < dense.checked, "\(dense)")
    for table in ["embedding.item", "embedding.occasion"] {
      let rows = BaselineTesting.embeddingRowCheck(model, batch, table: table)
      #expect(rows.checked > 0 && rows.excess <= 0, "\(table) rows: \(rows)")
    }
  }

  @Test func overfitsASmallBatch() throws {
    let model = try Self.model()
    let batch = ModelFixture.shared.batch(Self.clickedRows(16))
    let (first, last) = BaselineTesting.overfit(model, batch, steps: 150)
    #expect(last < first / 5, "loss \(first) → \(last)")
    let scores = BaselineTesting.scores(model, batch)
    let auc = BaselineTesting.auc(scores, (0..<batch.count).map { batch.conversion[$0] })
    #expect(auc > 0.99, "AUC \(auc)")
  }

  @Test func checkpointRoundTripScoresIdentically() throws {
    let model = try Self.model(seed: 11)
    let batch = ModelFixture.shared.batch(Self.clickedRows(8))
    _ = BaselineTesting.overfit(model, batch, steps: 3)
    let (before, after) = try BaselineTesting.roundTrip(model, batch) { try DCNModel(configuration: $0, schema: $1) }
    #expect(before.map(\.bitPattern) == after.map(\.bitPattern))
  }
}
