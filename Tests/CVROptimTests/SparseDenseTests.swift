// The sparse-rows paths against the dense ones: exact for Adagrad, lazy for
// Adam and SGD momentum (untouched rows stay put where dense keeps moving them).
import CVRAutograd
import CVRCore
import CVRKernels
import CVROptim
import CVRTestSupport
import Testing

/// A dense and a sparse-row copy of the same [rows, width] table, fed the same
/// gradients: `touched` rows get random values, every other row zero.
struct TwinTables {
  let dense: Parameter
  let sparse: Parameter
  var rng = SeededGenerator(seed: 11)

  init(rows: Int, width: Int) {
    dense = Parameter("dense", shape: Shape(rows, width))
    sparse = Parameter("sparse", shape: Shape(rows, width), gradientLayout: .sparseRows)
    dense.fill { rng.nextFloat(in: -1, 1) }
    _ = sparse.value.update(fromContentsOf: dense.value)
  }

  mutating func setGradient(touched: [Int]) {
    let width = dense.shape[1]
    dense.zeroGrad()
    sparse.zeroGrad()
    for row in touched {
      let accumulator = sparse.sparseGrad!.accumulator(forRow: row)
      for j in 0..<width {
        let g = rng.nextFloat(in: -1, 1)
        accumulator[j] += g
        dense.grad[row * width + j] += g
      }
    }
  }
}

@Suite struct SparseDenseTests {
  static let touchedPerStep = [[0, 5, 16, 5], [3], [16, 2, 9], [], [0, 1, 2, 3, 4]]

  @Test(arguments: [Float(0), 0.1])
  func sparseAdagradEqualsDenseBitForBit(initialAccumulator: Float) {
    var twins = TwinTables(rows: 17, width: 3)
    let dense = Adagrad([twins.dense], learningRate: 0.3, initialAccumulatorValue: initialAccumulator)
    let sparse = Adagrad([twins.sparse], learningRate: 0.3, initialAccumulatorValue: initialAccumulator)
    for touched in Self.touchedPerStep {
      twins.setGradient(touched: touched)
      dense.step()
      sparse.step()
      #expect(twins.dense.values() == twins.sparse.values())
      #expect(Array(dense.stateTensors()[0].buffer) == Array(sparse.stateTensors()[0].buffer))
    }
    #expect(twins.dense.values() != twins.dense.values().map { _ in 0 })
  }

  @Test func lazyAdamLeavesUntouchedRowsWhereDenseAdamMovesThem() {
    var twins = TwinTables(rows: 5, width: 3)
    let dense = Adam([twins.dense], learningRate: 0.1)
    let sparse = Adam([twins.sparse], learningRate: 0.1)
    twins.setGradient(touched: [0, 1, 2, 3, 4])
    dense.step()
    sparse.step()
    // Every row touched: the paths differ only by SparseAdam's placement of ε.
    let (ok, message) = allClose(twins.sparse.values(), twins.dense.values(), rtol: 1e-6, atol: 1e-6)
    #expect(ok, "\(message)")
    let before = twins.sparse.values()
    twins.setGradient(touched: [1])
    dense.step()
    sparse.step()
    let (denseAfter, sparseAfter) = (twins.dense.values(), twins.sparse.values())
    for row in [0, 2, 3, 4] {
      for j in 0..<3 {
        #expect(sparseAfter[row * 3 + j] == before[row * 3 + j], "lazy Adam moved untouched row \(row)")
        #expect(abs(denseAfter[row * 3 + j] - before[row * 3 + j]) > 1e-3, "dense Adam keeps moving row \(row)")
      }
    }
    for j in 3..<6 { #expect(sparseAfter[j] != before[j]) }
  }

  @Test func lazySGDMomentumMovesOnlyTouchedRows() {
    var twins = TwinTables(rows: 4, width: 2)
    let sparse = SGD([twins.sparse], learningRate: 0.5, momentum: 0.9)
    let dense = SGD([twins.dense], learningRate: 0.5, momentum: 0.9)
    twins.setGradient(touched: [0, 1, 2, 3])
    sparse.step()
    dense.step()
    #expect(twins.sparse.values() == twins.dense.values())
    let before = twins.sparse.values()
    twins.setGradient(touched: [2])
    sparse.step()
    dense.step()
    let after = twins.sparse.values()
    #expect(Array(after[0..<4]) == Array(before[0..<4]))
    #expect(Array(after[6..<8]) == Array(before[6..<8]))
    #expect(after[4] != before[4])
    #expect(twins.dense.values()[0] != before[0], "dense momentum carries untouched rows")
  }

  /// 20 000 × 32 = 640 000 elements: above two streaming chunks, so the dense
  /// path splits over threads (when Threads.count > 1) while the sparse path
  /// walks rows one by one. Every row touched, so both must agree.
  @Test func threadedDensePathAgreesWithRowByRowPath() {
    var twins = TwinTables(rows: 20_000, width: 32)
    let pairs: [(any Optimizer, any Optimizer, Bool)] = [
      (Adagrad([twins.dense], learningRate: 0.1), Adagrad([twins.sparse], learningRate: 0.1), true),
      (SGD([twins.dense], learningRate: 0.1, momentum: 0.9), SGD([twins.sparse], learningRate: 0.1, momentum: 0.9), true),
      // A negligible ε: where |g| ~ ε, SparseAdam's placement of ε differs visibly from dense Adam's.
      (Adam([twins.dense], learningRate: 0.01, epsilon: 1e-20), Adam([twins.sparse], learningRate: 0.01, epsilon: 1e-20),
       false),
    ]
    for (dense, sparse, exact) in pairs {
      for _ in 0..<2 {
        twins.setGradient(touched: Array(0..<20_000))
        dense.step()
        sparse.step()
      }
      if exact {
        #expect(twins.dense.values() == twins.sparse.values(), "\(type(of: dense))")
      } else {
        let (ok, message) = allClose(twins.sparse.values(), twins.dense.values(), rtol: 1e-5, atol: 1e-6)
        #expect(ok, "\(type(of: dense)): \(message)")
      }
    }
  }
}
