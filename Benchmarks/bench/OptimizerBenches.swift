// K7: one Adagrad and one Adam step over a 1 000 000 × 32 table, dense (every
// row) and sparse (1024 touched rows); each checked once against a Double
// reference on a few rows before timing.
import CVRAutograd
import CVRCore
import CVRKernels
import CVROptim
import Foundation

/// A 1M × 32 table with its gradient (dense, or 1024 touched rows) and one optimizer over it.
final class OptimizerProblem {
  static let (tableRows, width, touchedRows) = (1_000_000, 32, 1024)
  let table: Parameter
  let optimizer: any Optimizer
  let isAdam: Bool
  /// The rows the check compares (touched ones for the sparse case).
  let checkedRows: [Int]

  init(adam: Bool, sparse: Bool, seed: UInt64) {
    let (rows, width) = (Self.tableRows, Self.width)
    var rng = SeededGenerator(seed: seed)
    let table = Parameter(sparse ? "sparse" : "dense", shape: Shape(rows, width), gradientLayout: sparse ? .sparseRows : .dense)
    self.table = table
    table.fill { rng.nextFloat(in: -0.05, 0.05) }
    if sparse {
      var chosen = Set<Int>()
      while chosen.count < Self.touchedRows { chosen.insert(Int(rng.next() % UInt64(rows))) }
      for row in chosen.sorted() {
        let g = table.sparseGrad!.accumulator(forRow: row)
        for j in 0..<width { g[j] = rng.nextFloat(in: -1, 1) }
      }
      checkedRows = (0..<4).map { table.sparseGrad!.row(atSlot: $0 * 300) }
    } else {
      let g = table.grad
      for i in 0..<g.count { g[i] = rng.nextFloat(in: -1, 1) }
      checkedRows = [0, 1, 499_999, rows - 1]
    }
    isAdam = adam
    optimizer = adam ? Adam([table], learningRate: 1e-3) : Adagrad([table], learningRate: 0.05, initialAccumulatorValue: 0.1)
    optimizer.step()  // allocates the state: timed steps are warm
  }

  var rowsPerStep: Double { Double(table.gradientLayout == .dense ? Self.tableRows : Self.touchedRows) }
  /// Adagrad reads p, g, s and writes p, s; Adam reads p, g, m, v and writes p, m, v.
  var bytesPerStep: Double { rowsPerStep * Double(Self.width) * 4 * (isAdam ? 7 : 5) }
  var shape: String {
    table.gradientLayout == .dense ? "1000000x32 dense" : "1000000x32, 1024 touched rows"
  }

  func step() { optimizer.step() }

  /// One step against a Double reference of PyTorch's formulas on `checkedRows`.
  func check() -> String? {
    let width = Self.width
    let state = optimizer.stateTensors().map { Array($0.buffer) }
    let before = table.values()
    let gradient: (Int) -> [Float] = { row in
      if let sparse = self.table.sparseGrad { return Array(UnsafeBufferPointer(start: sparse.values(forRow: row)!, count: width)) }
      return Array(self.table.grad[(row * width)..<((row + 1) * width)])
    }
    let t = Double(optimizer.stepCount + 1)
    optimizer.step()
    var worst = 0.0
    for row in checkedRows {
      let g = gradient(row)
      for j in 0..<width {
        let i = row * width + j
        let (p, d) = (Double(before[i]), Double(g[j]))
        var expected: Double
        if isAdam {
          let m = 0.9 * Double(state[0][i]) + 0.1 * d
          let v = 0.999 * Double(state[1][i]) + 0.001 * d * d
          let (c1, c2) = (1 - pow(0.9, t), 1 - pow(0.999, t))
          expected = table.gradientLayout == .dense
            ? p - 1e-3 / c1 * m / (v.squareRoot() / c2.squareRoot() + 1e-8)
            : p - 1e-3 * c2.squareRoot() / c1 * m / (v.squareRoot() + 1e-8)
        } else {
          let s = Double(state[0][i]) + d * d
          expected = p - 0.05 * d / (s.squareRoot() + 1e-10)
        }
        worst = max(worst, abs(Double(table.value[i]) - expected) / max(1e-3, abs(expected)))
      }
    }
    return worst <= 1e-5 ? nil : "relative error \(worst) against the Double reference"
  }
}

enum OptimizerBenches {
  static func cases() -> [BenchCase] {
    [(false, "K7-adagrad"), (true, "K7-adam")].flatMap { adam, name in
      [false, true].map { sparse in
        let problem = OptimizerProblem(adam: adam, sparse: sparse, seed: sparse ? 71 : 70)
        return BenchCase(name: name + (sparse ? "-sparse" : "-dense"), shape: problem.shape, flops: 0,
                         run: problem.step, check: problem.check, bytes: problem.bytesPerStep,
                         rows: problem.rowsPerStep)
      }
    }
  }
}
