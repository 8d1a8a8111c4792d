// Scores for a list of rows as inference: one batch and one tape per scorer,
// reused for every chunk, so scoring a split allocates only its output. A
// scorer is one thread's; several scorers may share one model.
import CVRAutograd
import CVRData

/// Scores rows with a model, reusing its batch and tape across calls.
///
/// The model is only read: its mode is the scorer's inference tape, so threads
/// that each hold a `Scorer` may score one model at the same time.
public final class Scorer {
  public let assembler: BatchAssembler
  public let batchSize: Int
  private let batch: Batch
  private let tape = Tape(recording: false)

  public init(assembler: BatchAssembler, batchSize: Int = 1024) {
    precondition(batchSize >= 1, "Scorer: batch size must be at least 1")
    self.assembler = assembler
    self.batchSize = batchSize
    batch = assembler.makeBatch(capacity: batchSize)
  }

  /// p(conversion | click, x) of `model` for each of `rows`, in order.
  public func scores(_ model: any CVRModel, rows: [Int32]) -> [Float] {
    var out = [Float](repeating: 0, count: rows.count)
    out.withUnsafeMutableBufferPointer { target in
      assembler.forEachChunk(of: rows, in: batch) { batch, start in
        model.scoreCVR(batch, tape, into: target.baseAddress! + start)
      }
    }
    tape.reset()
    return out
  }

  /// Each of `heads` (those the model has) for each of `rows`, in order.
  public func predictions(_ model: any CVRModel, rows: [Int32], heads: [PredictionHead] = PredictionHead.allCases)
    -> [PredictionHead: [Float]]
  {
    let wanted = heads.filter(model.heads.contains)
    let pointers = wanted.map { _ in UnsafeMutablePointer<Float>.allocate(capacity: max(rows.count, 1)) }
    defer { pointers.forEach { $0.deallocate() } }
    assembler.forEachChunk(of: rows, in: batch) { batch, start in
      var outputs = PredictionOutputs()
      for (i, head) in wanted.enumerated() { outputs[head] = pointers[i] + start }
      model.score(batch, tape, into: outputs)
    }
    tape.reset()
    var result: [PredictionHead: [Float]] = [:]
    for (i, head) in wanted.enumerated() { result[head] = Array(UnsafeBufferPointer(start: pointers[i], count: rows.count)) }
    return result
  }
}

public enum Scoring {
  /// `Scorer(assembler:batchSize:).scores(model, rows:)`: one call, one scorer.
  public static func scores(_ model: any CVRModel, assembler: BatchAssembler, rows: [Int32],
                            batchSize: Int = 1024) -> [Float] {
    Scorer(assembler: assembler, batchSize: batchSize).scores(model, rows: rows)
  }
}
