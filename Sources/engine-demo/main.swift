// `make demo` until the models exist: a target-attention model learns, on
// synthetic data with a known rule, that a user buys items like the ones in
// their behaviour sequence. Prints the training loss and held-out AUC per epoch.
import CVRAutograd
import CVRCore
import CVRKernels
import CVRLayers
import Foundation

/// Synthetic world with a known rule that target attention can express: each
/// sample is a target item and a padded sequence of behaviour items; the user
/// buys with P = σ(3 · Σ_t a_t (item_t · u) + target · v − 0.5), where
/// a = softmax over the kept items of (target · item_t): the quality u of the
/// behaviours that resemble the target, plus the target's own appeal v.
struct World {
  static let dim = 8, seqLen = 12
  var targets: [Float] = [], sequences: [Float] = [], masks: [Float] = [], labels: [Float] = []
  /// The true purchase probability of each sample: the best any model can score.
  var truth: [Float] = []

  init(samples: Int, rng: inout SeededGenerator) {
    var ruleRng = SeededGenerator(seed: 99)  // the rule is the same for every split
    let u = (0..<World.dim).map { _ in ruleRng.nextNormal() / Float(World.dim).squareRoot() }
    let v = (0..<World.dim).map { _ in ruleRng.nextNormal() / Float(World.dim).squareRoot() }
    for _ in 0..<samples {
      let target = (0..<World.dim).map { _ in rng.nextNormal() }
      let length = 3 + Int(rng.next() % UInt64(World.seqLen - 2))
      var scores: [Float] = [], qualities: [Float] = []
      for t in 0..<World.seqLen {
        let item = (0..<World.dim).map { _ in rng.nextNormal() }
        sequences += t < length ? item : [Float](repeating: 0, count: World.dim)
        masks.append(t < length ? 1 : 0)
        if t < length {
          scores.append(dot(target, item))
          qualities.append(dot(item, u))
        }
      }
      let top = scores.max()!
      let weights = scores.map { FastMath.exp($0 - top) }
      let attended = zip(weights, qualities).reduce(0) { $0 + $1.0 * $1.1 } / weights.reduce(0, +)
      targets += target
      let p = FastMath.sigmoid(3 * attended + dot(target, v) - 0.5)
      truth.append(p)
      labels.append(rng.nextUnitFloat() < p ? 1 : 0)
    }
  }
}

func dot(_ a: [Float], _ b: [Float]) -> Float { zip(a, b).reduce(0) { $0 + $1.0 * $1.1 } }

/// Exact AUC with ties counted half (Mann–Whitney U).
func auc(_ scores: [Float], _ labels: [Float]) -> Double {
  let order = scores.indices.sorted { scores[$0] < scores[$1] }
  var rankSum = 0.0, positives = 0.0, i = 0
  while i < order.count {
    var j = i
    while j + 1 < order.count && scores[order[j + 1]] == scores[order[i]] { j += 1 }
    let rank = Double(i + j) / 2 + 1
    for k in i...j where labels[order[k]] == 1 { rankSum += rank; positives += 1 }
    i = j + 1
  }
  let negatives = Double(scores.count) - positives
  return (rankSum - positives * (positives + 1) / 2) / (positives * negatives)
}

final class TargetAttentionModel {
  let attention: AttentionPooling
  let mlp: MLP
  var layers: [any Layer] { [attention, mlp] }

  init(rng: inout SeededGenerator) {
    attention = AttentionPooling(.init(queryDim: World.dim, keyDim: World.dim, heads: 2, units: 16), rng: &rng)
    mlp = MLP(.init(widths: [World.dim + attention.outputDim, 32, 1], batchNorm: true), rng: &rng)
  }

  func logits(target: Tensor, sequence: Tensor, mask: Tensor, _ tape: Tape) -> Tensor {
    let pooled = attention(target, keys: sequence, keyMask: mask, tape)
    return mlp(tape.concat([target, pooled]), tape)
  }
}

let seed: UInt64 = 2026
let batch = 256, epochs = 10, learningRate: Float = 0.1
var rng = SeededGenerator(seed: seed)
let train = World(samples: batch * 120, rng: &rng)
let test = World(samples: 4096, rng: &rng)
let model = TargetAttentionModel(rng: &rng)
let tape = Tape(seed: seed)
print("engine demo: target attention + MLP, seed \(seed), \(train.labels.count) training samples, "
      + "\(Threads.count) thread(s); \(BLAS.configuration)")
print(String(format: "test AUC of the true probabilities (the ceiling): %.4f", auc(test.truth, test.labels)))

func slice(_ world: World, _ start: Int, _ count: Int, _ tape: Tape) -> (Tensor, Tensor, Tensor, Tensor) {
  let (d, t) = (World.dim, World.seqLen)
  return (
    tape.constant(Array(world.targets[(start * d)..<((start + count) * d)]), Shape(count, d)),
    tape.constant(Array(world.sequences[(start * t * d)..<((start + count) * t * d)]), Shape(count, t, d)),
    tape.constant(Array(world.masks[(start * t)..<((start + count) * t)]), Shape(count, t)),
    tape.constant(Array(world.labels[start..<(start + count)]), Shape(count, 1)))
}

for epoch in 1...epochs {
  var lossSum = 0.0
  let steps = train.labels.count / batch
  for step in 0..<steps {
    tape.reset()
    let (target, sequence, mask, labels) = slice(train, step * batch, batch, tape)
    let loss = tape.binaryCrossEntropyWithLogits(model.logits(target: target, sequence: sequence, mask: mask, tape), labels: labels)
    lossSum += Double(loss.scalar)
    tape.backward(loss)
    for layer in model.layers {
      for p in layer.trainableParameters {
        let g = p.grad
        for i in 0..<p.value.count { p.value[i] -= learningRate * g[i] }
        p.zeroGrad()
      }
    }
  }
  var scores: [Float] = []
  tape.inference {
    for start in stride(from: 0, to: test.labels.count, by: 1024) {
      tape.reset()
      let count = min(1024, test.labels.count - start)
      let (target, sequence, mask, _) = slice(test, start, count, tape)
      scores += model.logits(target: target, sequence: sequence, mask: mask, tape).toArray()
    }
  }
  print(String(format: "epoch %d  train log loss %.4f  test AUC %.4f", epoch, lossSum / Double(steps), auc(scores, test.labels)))
}
