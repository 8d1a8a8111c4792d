// What every baseline's tests do the same way: tiny configurations, a batch
// mixing every label case, finite differences over dense parameters and
// embedding rows, a short overfit, and a checkpoint round trip.
import CVRAutograd
import CVRCheckpoint
import CVRCore
import CVRData
import CVRMetrics
import CVRModels
import CVROptim
import CVRTestSupport
import Foundation

enum BaselineTesting {
  /// An FRN small enough for finite differences: 8-unit, 2-head attention, MainNet 8, BiasNet 6.
  static var tinyFRN: FRNConfig {
    var c = FRNConfig.demo
    c.attentionUnits = 8
    c.heads = 2
    c.mainWidths = [8]
    c.biasWidths = [6]
    return c
  }

  /// `count` training exposures in which every label case occurs: converted
  /// clicks (`converted` of them), carted clicks, clicks without either, unclicked rows.
  static func mixedRows(count: Int, converted: Int = 2) -> [Int32] {
    let fixture = ModelFixture.shared
    let pool = fixture.batch(fixture.rows(.train, .exposure, count: 3000))
    var conv: [Int32] = [], cart: [Int32] = [], clickOnly: [Int32] = [], unclicked: [Int32] = []
    for b in 0..<pool.count {
      let row = pool.rows[b]
      if pool.click[b] == 0 { unclicked.append(row) }
      else if pool.conversion[b] == 1 { conv.append(row) }
      else if pool.action[b] == 1 { cart.append(row) }
      else { clickOnly.append(row) }
    }
    precondition(conv.count >= converted && !cart.isEmpty && !clickOnly.isEmpty, "fixture lacks a label case")
    var rows = Array(conv.prefix(converted))
    let clicks = max(1, (count - converted) / 2)
    rows += Array(cart.prefix((clicks + 1) / 2)) + Array(clickOnly.prefix(clicks / 2))
    rows += Array(unclicked.prefix(count - rows.count))
    return rows
  }

  /// Finite differences of the batch loss over every dense trainable parameter.
  static func denseGradientCheck(_ model: any CVRModel, _ batch: Batch) -> GradientCheckResult {
    let dense = model.trainableParameters.filter { $0.gradientLayout == .dense }
    return checkGradients(dense, epsilon: 1e-3, kinkTolerance: 0.05) { tape in model.loss(batch, tape) }
  }

  /// Largest |analytic − numeric| − tolerance over the first `rows` touched rows of
  /// sparse table `table` (≤ 0 passes), and how many elements were checked.
  /// `loss` replaces `model.loss(batch, ·)` (a loss with held detached inputs).
  static func embeddingRowCheck(_ model: any CVRModel, _ batch: Batch, table name: String, rows: Int = 3,
                                loss f: ((Tape) -> Tensor)? = nil) -> (excess: Double, checked: Int)
  {
    let f = f ?? { model.loss(batch, $0) }
    guard let table = model.parameters.first(where: { $0.name == name }), let sparse = table.sparseGrad else {
      return (.infinity, 0)
    }
    for p in model.parameters { p.zeroGrad() }
    let tape = Tape(seed: 7)
    tape.backward(f(tape))
    let width = table.shape[1]
    var touched: [(row: Int, grad: [Float])] = []
    for slot in 0..<min(rows, sparse.count) {
      let values = sparse.values(atSlot: slot)
      touched.append((sparse.row(atSlot: slot), (0..<width).map { values[$0] }))
    }
    func loss() -> Double {
      let t = Tape(seed: 7, recording: false)
      return Double(f(t).scalar)
    }
    let h: Float = 1e-3
    var worst = -Double.infinity, checked = 0
    for (row, grad) in touched {
      for j in 0..<width {
        let i = row * width + j
        let x = table.value[i]
        table.value[i] = x + h
        let plus = loss()
        table.value[i] = x - h
        let minus = loss()
        table.value[i] = x
        let numeric = (plus - minus) / (2 * Double(h))
        let analytic = Double(grad[j])
        worst = max(worst, abs(analytic - numeric) - (2e-3 + 2e-2 * max(abs(analytic), abs(numeric))))
        checked += 1
      }
    }
    return (worst, checked)
  }

  /// Adam on one batch for `steps` steps; the losses before and after.
  static func overfit(_ model: any CVRModel, _ batch: Batch, steps: Int, learningRate: Float = 0.01)
    -> (first: Float, last: Float)
  {
    let optimizer = Adam(model.trainableParameters, learningRate: learningRate)
    let tape = Tape(seed: 1)
    var first: Float = 0, last: Float = 0
    for step in 0..<steps {
      tape.reset()
      optimizer.zeroGrad()
      let loss = model.loss(batch, tape)
      if step == 0 { first = loss.scalar }
      last = loss.scalar
      tape.backward(loss)
      optimizer.step()
    }
    return (first, last)
  }

  /// The model's CVR scores for the batch, in inference mode.
  static func scores(_ model: any CVRModel, _ batch: Batch) -> [Float] {
    var out = [Float](repeating: 0, count: batch.count)
    out.withUnsafeMutableBufferPointer { model.scoreCVR(batch, Tape(), into: $0.baseAddress!) }
    return out
  }

  /// AUC of `scores` against 0/1 `labels` (CVRMetrics' AUC, ties counting a half).
  static func auc(_ scores: [Float], _ labels: [Float]) -> Double {
    AUC.compute(scores: scores, labels: labels)!
  }

  /// Saves `model`, rebuilds it with `rebuild(configuration, schema)`, loads the
  /// file into the copy and returns both models' scores on `batch`.
  static func roundTrip(_ model: any CVRModel, _ batch: Batch,
                        rebuild: (JSONValue, DataSchema) throws -> any CVRModel) throws -> (before: [Float], after: [Float])
  {
    let schema = ModelFixture.shared.schema
    let url = try scratchDirectory().appendingPathComponent("model.ckpt")
    try Checkpoint.save(to: url, kind: model.kind, config: model.configuration, seed: 0, step: 0,
                        parameters: model.parameters)
    let copy = try rebuild(model.configuration, schema)
    try Checkpoint.load(from: url, into: copy.parameters, expecting: model.kind, config: copy.configuration)
    return (scores(model, batch), scores(copy, batch))
  }

  /// log σ(z) and log(1 − σ(z)) in Double, for hand-computed losses.
  static func logSigmoid(_ z: Float) -> (log: Double, log1m: Double) {
    let x = Double(z)
    return (-log1p(exp(-x)), -log1p(exp(x)))
  }
}
