// Tiny BASE and MetaCVR models on the fixture world, and the helpers the model
// tests share: parameter snapshots, training steps, predictions, table-row checks.
import CVRAutograd
import CVRCheckpoint
import CVRCore
import CVRData
import CVRMetrics
import CVRModels
import CVROptim
import CVRTestSupport
import Foundation

/// D = 8 + 4 = 12; attention 8 units, 2 heads; f_b 12 → 8 → 4 → 1.
func tinyBaseConfig(batchNorm: Bool = false) -> BaseCVRModel.Config {
  var frn = FRNConfig.demo
  frn.attentionUnits = 8
  frn.heads = 2
  frn.mainWidths = [8]
  frn.biasWidths = [4]
  frn.occasionDim = 2
  return BaseCVRModel.Config(frn: frn, outputWidths: [8, 4], outputBatchNorm: batchNorm)
}

func tinyBase(seed: UInt64 = 11) throws -> BaseCVRModel {
  let fixture = ModelFixture.shared
  return try BaseCVRModel(plan: FeaturePlan(schema: fixture.schema), config: tinyBaseConfig(), seed: seed)
}

/// The paper's stage 2 as printed (`Config.paper`: raw s_occ, EPN at BASE, no decay, F(x) uncentred).
func tinyMetaConfig(_ metric: DistanceMetric) -> MetaCVRModel.Config {
  var config = MetaCVRModel.Config.paper(
    base: tinyBaseConfig(), metric: metric,
    occasions: (try? FeaturePlan(schema: ModelFixture.shared.schema))?.occasions.count ?? 0)
  config.nndmHidden = 5
  return config
}

/// Support sets for the tiny world, whose D_r (7 days) lacks some occasions'
/// purchases: per occasion, the clicked purchases of D (up to 40) and its other clicks (up to 40).
func fixtureSupportSets() -> [(occasion: Int, positives: [Int32], negatives: [Int32])] {
  let fixture = ModelFixture.shared
  let occasions = fixture.store.occasions!, conversions = fixture.store.conversions!
  let rows = fixture.splits.rows(.train, space: .click)
  let count = (try? FeaturePlan(schema: fixture.schema))?.occasions.count ?? 0
  return (0..<count).map { k in
    let mine = rows.filter { occasions[Int($0)] == Int32(k) }
    return (k, Array(mine.filter { conversions[Int($0)] > 0.5 }.prefix(40)),
            Array(mine.filter { conversions[Int($0)] <= 0.5 }.prefix(40)))
  }
}

/// A tiny MetaCVR around a fresh tiny base, with prototypes from `fixtureSupportSets()`.
func tinyMetaCVR(_ metric: DistanceMetric, seed: UInt64 = 11) throws -> MetaCVRModel {
  let fixture = ModelFixture.shared
  let base = try tinyBase(seed: seed)
  let prototypes = try Prototypes.compute(base: base, assembler: fixture.assembler, supportSets: fixtureSupportSets(),
                                          batchSize: 64)
  return try MetaCVRModel(base: base, prototypes: prototypes, config: tinyMetaConfig(metric), seed: seed)
}

/// Clicked rows of D_r holding both classes: the first `count` clicks with every conversion among them.
func mixedRows(_ split: Split, count: Int) -> [Int32] {
  let fixture = ModelFixture.shared
  let rows = fixture.splits.rows(split, space: .click)
  let conversions = fixture.store.conversions!
  let positives = rows.filter { conversions[Int($0)] > 0.5 }.prefix(count / 2)
  let negatives = rows.filter { conversions[Int($0)] <= 0.5 }.prefix(count - positives.count)
  return Array(positives) + Array(negatives)
}

/// Every parameter's values, by name.
func snapshot(_ parameters: [Parameter]) -> [String: [Float]] {
  Dictionary(uniqueKeysWithValues: parameters.map { ($0.name, $0.values()) })
}

/// Names of the parameters whose values differ from `before` (sorted; short failure messages).
func changedParameters(_ parameters: [Parameter], since before: [String: [Float]]) -> [String] {
  parameters.filter { before[$0.name] != $0.values() }.map(\.name).sorted()
}

/// One training step (loss, backward, clip 5, Adagrad) over `optimizer`'s parameters; returns the loss.
@discardableResult
func trainStep(_ model: any CVRModel, _ batch: Batch, _ tape: Tape, _ optimizer: Adagrad) -> Float {
  tape.reset()
  let loss = model.loss(batch, tape)
  let value = loss.data[0]
  tape.backward(loss)
  optimizer.step()
  for p in model.parameters { p.zeroGrad() }
  return value
}

/// σ scores of the batch in inference mode.
func predictions(_ model: any CVRModel, _ batch: Batch) -> [Float] {
  var out = [Float](repeating: .nan, count: batch.count)
  out.withUnsafeMutableBufferPointer { model.scoreCVR(batch, Tape(), into: $0.baseAddress!) }
  return out
}

/// Mean log loss of scores against the batch's conversions.
func logLoss(_ scores: [Float], _ batch: Batch) -> Double {
  var total = 0.0
  for i in 0..<batch.count {
    let p = Double(min(max(scores[i], 1e-7), 1 - 1e-7))
    total -= batch.conversion[i] > 0.5 ? Foundation.log(p) : Foundation.log(1 - p)
  }
  return total / Double(batch.count)
}

/// AUC of `scores` against the batch's conversions (CVRMetrics' AUC, ties counting half).
func pairwiseAUC(_ scores: [Float], _ batch: Batch) -> Double {
  AUC.compute(scores: scores, labels: Array(UnsafeBufferPointer(start: batch.conversion, count: batch.count)))!
}

/// Saves `model` to a scratch checkpoint and returns its URL.
func saveCheckpoint(_ model: any CVRModel) throws -> URL {
  let url = try scratchDirectory().appendingPathComponent("model.ckpt")
  try Checkpoint.save(to: url, kind: model.kind, config: model.configuration, seed: 0, step: 0,
                      parameters: model.parameters)
  return url
}

/// Central-difference check of a few touched rows of each sparse table against
/// its sparse-row gradient: returns the worst |analytic − numeric| excess (≤ 0 passes),
/// how many elements were checked and how many skipped at kinks (as `checkGradients`).
func checkTableRows(_ tables: [Parameter], rowsPerTable: Int = 2, epsilon: Float = 1e-3, kinkTolerance: Double = 2e-3,
                    _ f: (Tape) -> Tensor) -> (excess: Double, checked: Int, skipped: Int, message: String) {
  for t in tables { t.zeroGrad() }
  let tape = Tape()
  let out = f(tape)
  var projection = SeededGenerator(seed: 12345)
  let w = (0..<out.count).map { _ in projection.nextFloat(in: -1, 1) }
  w.withUnsafeBufferPointer { tape.backward(out, gradient: $0.baseAddress!) }
  func projected() -> Double {
    let t = Tape(recording: false)
    let y = f(t)
    return (0..<y.count).reduce(0.0) { $0 + Double(w[$1]) * Double(y.data[$1]) }
  }
  var worst = -Double.infinity, checked = 0, skipped = 0, message = ""
  for table in tables {
    guard let grad = table.sparseGrad, grad.count > 0 else { continue }
    let width = table.shape[1]
    for slot in 0..<min(rowsPerTable, grad.count) {
      let row = grad.row(atSlot: slot)
      let analytic = Array(UnsafeBufferPointer(start: grad.values(atSlot: slot), count: width))
      for j in 0..<width {
        let i = row * width + j
        let x = table.value[i]
        let center = projected()
        table.value[i] = x + epsilon
        let plus = projected()
        table.value[i] = x - epsilon
        let minus = projected()
        table.value[i] = x
        let (right, left) = ((plus - center) / Double(epsilon), (center - minus) / Double(epsilon))
        if abs(right - left) > kinkTolerance * max(1, abs(right), abs(left)) {
          skipped += 1  // a ReLU kink within ±epsilon: one-sided slopes disagree
          continue
        }
        let numeric = (plus - minus) / (2 * Double(epsilon))
        let a = Double(analytic[j])
        let excess = abs(a - numeric) - (2e-3 + 2e-2 * max(abs(a), abs(numeric)))
        checked += 1
        if excess > worst {
          worst = excess
          message = "\(table.name)[\(row), \(j)]: analytic \(a) numeric \(numeric)"
        }
      }
    }
  }
  return (worst, checked, skipped, message)
}
