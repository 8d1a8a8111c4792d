// `make demo` until the models exist: a target-attention model learns, on
// synthetic data with a known rule, that a user buys items like the ones in
// their behaviour sequence. Prints the training loss and held-out AUC per epoch.
import CVRAutograd
import CVRKernels
import CVRLayers
import Foundation

/// Synthetic world: each sample is a target item vector and a padded sequence
/// of behaviour item vectors; P(buy) = σ(4 · max_t cos(target, item_t) − 2).
struct World {
  static let dim = 8, seqLen = 12
  var targets: [Float] = [], sequences: [Float] = [], masks: [Float] = [], labels: [Float] = []

  init(samples: Int, rng: inout SeededGenerator) {
    for _ in 0..<samples {
      let target = (0..<World.dim).map { _ in rng.nextNormal() }
      let length = 3 + Int(rng.next() % UInt64(World.seqLen - 2))
      var best: Float = -1
      for t in 0..<World.seqLen {
        let item = (0..<World.dim).map { _ in rng.nextNormal() }
        if t < length {
          // Half the items are noisy copies of the target's neighbourhood.
          let mixed = rng.nextUnitFloat() < 0.3 ? zip(item, target).map { 0.5 * $0 + $1 } : item
          sequences += mixed
          best = max(best, cosine(mixed, target))
        } else {
          sequences += [Float](repeating: 0, count: World.dim)
        }
        masks.append(t < length ? 1 : 0)
      }
      targets += target
      let p = FastMath.sigmoid(4 * best - 2)
      labels.append(rng.nextUnitFloat() < p ? 1 : 0)
    }
  }
}

func cosine(_ a: [Float], _ b: [Float]) -> Float {
  let dot = zip(a, b).reduce(0) { $0 + $1.0 * $1.1 }
  let na = a.reduce(0) { $0 + $1 * $1 }.squareRoot(), nb = b.reduce(0) { $0 + $1 * $1 }.squareRoot()
  return dot / max(1e-6, na * nb)
}

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
let batch = 256, epochs = 8, learningRate: Float = 0.05
var rng = SeededGenerator(seed: seed)
let train = World(samples: batch * 40, rng: &rng)
let test = World(samples: 4096, rng: &rng)
let model = TargetAttentionModel(rng: &rng)
let tape = Tape(seed: seed)
print("engine demo: target attention + MLP, seed \(seed), \(train.labels.count) training samples, "
      + "\(Threads.count) thread(s); \(BLAS.configuration)")

func slice(_ world: World, _ start: Int, _ count: Int, _ tape: Tape) -> (Tensor, Tensor, Tensor, Tensor) {
  let (d, t) = (World.dim, World.seqLen)
  return (
    tape.constant(Array(world.targets[(start * d)..<((start + count) * d)]), Shape(count, d)),
    tape.constant(Array(world.sequences[(start * t * d)..<((start + count) * t * d)]), Shape(count, t, d)),
    tape.constant(Array(world.masks[(start * t)..<((start + count) * t)]), Shape(count, t)),
    tape.constant(Array(world.labels[start..<(start + count)]), Shape(count, 1)))
}

for epoch in 1...epochs {
  for layer in model.layers { layer.isTraining = true }
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
  for layer in model.layers { layer.isTraining = false }
  var scores: [Float] = []
  tape.withoutRecording {
    for start in stride(from: 0, to: test.labels.count, by: 1024) {
      tape.reset()
      let count = min(1024, test.labels.count - start)
      let (target, sequence, mask, _) = slice(test, start, count, tape)
      scores += model.logits(target: target, sequence: sequence, mask: mask, tape).toArray()
    }
  }
  print(String(format: "epoch %d  train log loss %.4f  test AUC %.4f", epoch, lossSum / Double(steps), auc(scores, test.labels)))
}
