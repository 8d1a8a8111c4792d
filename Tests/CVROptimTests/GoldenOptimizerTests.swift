// SGD, Adagrad, Adam, AdamW (dense) and sparse Adagrad / SparseAdam (with
// duplicate ids) against PyTorch fixtures written by
// Scripts/reference/golden_optimizers.py: the parameter after every step and the final state.
import CVRAutograd
import CVROptim
import CVRTestSupport
import Foundation
import Testing

/// One optimizer run of the fixture file.
struct OptimizerCase: Decodable, CustomTestStringConvertible {
  let name: String
  let kind: String
  let options: [String: Double]
  let shape: [Int]
  let initial: [Double]
  /// Dense: one full gradient per step. Sparse: one [ids.count, width] block per step.
  let gradients: [[Double]]
  let ids: [[Int]]?
  let after: [[Double]]
  let state: [String: [Double]]

  var testDescription: String { name }

  static let all: [OptimizerCase] = {
    struct File: Decodable { let cases: [OptimizerCase] }
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden/optimizers.json")
    return try! JSONDecoder().decode(File.self, from: Data(contentsOf: url)).cases
  }()

  func option(_ key: String, _ fallback: Float) -> Float { options[key].map { Float($0) } ?? fallback }

  /// The Swift optimizer matching the torch class and options, and the state
  /// kind prefix of each fixture state key.
  func makeOptimizer(_ p: Parameter) -> (any Optimizer, [String: String]) {
    let lr = option("lr", 0.01), decay = option("weight_decay", 0)
    switch kind {
    case "SGD":
      return (SGD([p], learningRate: lr, momentum: option("momentum", 0), nesterov: options["nesterov"] == 1,
                  weightDecay: decay), ["momentum": "sgd.momentum"])
    case "Adagrad":
      return (Adagrad([p], learningRate: lr, initialAccumulatorValue: option("initial_accumulator_value", 0),
                      learningRateDecay: option("lr_decay", 0), weightDecay: decay), ["sum": "adagrad.sum"])
    case "Adam", "SparseAdam":
      return (Adam([p], learningRate: lr, epsilon: option("eps", 1e-8), weightDecay: decay),
              ["m": "adam.m", "v": "adam.v"])
    case "AdamW":
      return (AdamW([p], learningRate: lr, epsilon: option("eps", 1e-8), weightDecay: decay),
              ["m": "adam.m", "v": "adam.v"])
    default:
      fatalError("unknown optimizer \(kind)")
    }
  }
}

@Suite struct GoldenOptimizerTests {
  @Test(arguments: OptimizerCase.all)
  func matchesTorch(_ c: OptimizerCase) {
    let shape = Shape(c.shape)
    let sparse = c.ids != nil
    let p = Parameter(c.name, shape: shape, gradientLayout: sparse ? .sparseRows : .dense)
    _ = p.value.update(fromContentsOf: c.initial.map { Float($0) })
    let (optimizer, stateNames) = c.makeOptimizer(p)
    let width = shape[1]
    for (k, gradient) in c.gradients.enumerated() {
      optimizer.zeroGrad()
      if let ids = c.ids?[k] {
        // Duplicate ids accumulate into one row, as torch's coalesce sums them.
        for (n, id) in ids.enumerated() {
          let row = p.sparseGrad!.accumulator(forRow: id)
          for j in 0..<width { row[j] += Float(gradient[n * width + j]) }
        }
      } else {
        for i in 0..<shape.count { p.grad[i] = Float(gradient[i]) }
      }
      optimizer.step()
      let (ok, message) = allClose(p.values(), c.after[k].map { Float($0) }, rtol: 2e-6, atol: 1e-6)
      #expect(ok, "\(c.name) step \(k + 1): \(message)")
    }
    let tensors = optimizer.stateTensors()
    #expect(tensors.count == c.state.count, "\(c.name): \(tensors.map(\.name))")
    for (key, expected) in c.state {
      let name = "\(stateNames[key]!)/\(c.name)"
      guard let tensor = tensors.first(where: { $0.name == name }) else {
        Issue.record("\(c.name): no state tensor \(name) in \(tensors.map(\.name))")
        continue
      }
      #expect(tensor.shape == shape)
      let (ok, message) = allClose(Array(tensor.buffer), expected.map { Float($0) }, rtol: 2e-6, atol: 1e-7)
      #expect(ok, "\(name): \(message)")
    }
  }

  @Test func fixtureHasEveryCase() {
    let names = Set(OptimizerCase.all.map(\.name))
    for required in ["sgd_momentum", "sgd_nesterov_decay", "adagrad_iav01", "adagrad_iav0", "adam", "adam_l2", "adamw",
                     "sparse_adagrad_iav01", "sparse_adam"] {
      #expect(names.contains(required), "missing \(required)")
    }
    #expect(OptimizerCase.all.filter { $0.ids != nil }.allSatisfy { ids in
      ids.ids!.contains { Set($0).count < $0.count }
    }, "every sparse case must contain duplicate ids")
  }
}
