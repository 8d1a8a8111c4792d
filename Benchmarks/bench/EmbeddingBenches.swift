// K6: embedding gather and sparse scatter-add for 24 tables of 100 000 × 8,
// batch 1024, one id per field per sample (uniform per table, seeded): the
// forward row gather and the backward into each table's SparseRowGradient.
import CVRAutograd
import CVRCore
import CVREmbedding
import CVRKernels

/// The K6 tables, ids, outputs and a fixed output gradient; owns its memory.
final class EmbeddingProblem {
  let fields = 24, vocab = 100_000, dim = 8, batch = 1024
  let tables: [EmbeddingTable]
  /// Resolved rows, field-major: rows[f · batch + b] is sample b's id in table f.
  let rows: UnsafeMutablePointer<Int32>
  /// Gathered rows, field-major [fields, batch, dim], and the fixed dOut of the same shape.
  let output, gradOutput: UnsafeMutablePointer<Float>

  init(seed: UInt64) {
    var rng = SeededGenerator(seed: seed)
    var made: [EmbeddingTable] = []
    for f in 0..<24 {
      made.append(EmbeddingTable("field\(f)", vocab: 100_000, dim: 8, initializer: .uniform(low: -0.05, high: 0.05), rng: &rng))
    }
    tables = made
    let count = fields * batch
    rows = .allocate(capacity: count)
    for i in 0..<count { rows[i] = Int32(rng.next() % UInt64(vocab)) }
    output = .allocate(capacity: count * dim)
    output.initialize(repeating: 0, count: count * dim)
    gradOutput = .allocate(capacity: count * dim)
    for i in 0..<(count * dim) { gradOutput[i] = rng.nextFloat(in: -1, 1) }
  }

  deinit {
    rows.deallocate()
    output.deallocate()
    gradOutput.deallocate()
  }

  var lookups: Int { fields * batch }
  var shape: String { "24 tables 100000×8, batch 1024, 24 fields" }

  func gather() {
    for f in 0..<fields {
      EmbeddingKernels.gather(table: tables[f].parameter.value.baseAddress!, dim: dim, rows: rows + f * batch,
                              count: batch, into: output + f * batch * dim)
    }
  }

  func scatter() {
    for f in 0..<fields {
      let gradient = tables[f].parameter.sparseGrad!
      gradient.zero()
      EmbeddingKernels.scatterAdd(gradOutput + f * batch * dim, dim: dim, rows: rows + f * batch, count: batch,
                                  into: gradient)
    }
  }

  /// The first gathered value that differs from a plain indexed read, or nil.
  func checkGather() -> String? {
    gather()
    for f in 0..<fields {
      let table = tables[f].parameter.value
      for b in 0..<batch {
        let row = Int(rows[f * batch + b])
        for j in 0..<dim where output[(f * batch + b) * dim + j] != table[row * dim + j] {
          return "field \(f) sample \(b) column \(j): \(output[(f * batch + b) * dim + j]) vs \(table[row * dim + j])"
        }
      }
    }
    return nil
  }

  /// Compares each table's sparse gradient with a dense gradient accumulated naively in Double.
  func checkScatter() -> String? {
    scatter()
    var dense = [Double](repeating: 0, count: vocab * dim)
    for f in 0..<fields {
      for i in 0..<dense.count { dense[i] = 0 }
      var distinct = Set<Int32>()
      for b in 0..<batch {
        let row = Int(rows[f * batch + b])
        distinct.insert(rows[f * batch + b])
        for j in 0..<dim { dense[row * dim + j] += Double(gradOutput[(f * batch + b) * dim + j]) }
      }
      let gradient = tables[f].parameter.sparseGrad!
      if gradient.count != distinct.count { return "field \(f): \(gradient.count) touched rows, \(distinct.count) distinct ids" }
      for row in distinct {
        let values = gradient.values(forRow: Int(row))!
        for j in 0..<dim where abs(Double(values[j]) - dense[Int(row) * dim + j]) > 1e-5 {
          return "field \(f) row \(row) column \(j): \(values[j]) vs \(dense[Int(row) * dim + j])"
        }
      }
    }
    return nil
  }
}

enum EmbeddingBenches {
  static func cases() -> [BenchCase] {
    let problem = EmbeddingProblem(seed: 6)
    let rowBytes = Double(problem.lookups * problem.dim * 4)
    return [
      // Gather: each looked-up row is read from its table and written to the output.
      BenchCase(name: "K6-gather", shape: problem.shape, flops: 0, run: problem.gather, check: problem.checkGather,
                bytes: rowBytes, rows: Double(problem.lookups)),
      // Scatter: each row of dOut is read and added into its table row's accumulator.
      BenchCase(name: "K6-scatter", shape: problem.shape, flops: 0, run: problem.scatter, check: problem.checkScatter,
                bytes: 2 * rowBytes, rows: Double(problem.lookups)),
    ]
  }
}
