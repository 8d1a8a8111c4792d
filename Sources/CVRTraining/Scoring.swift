// CVR scores for a list of rows in inference mode: one batch and one tape,
// reused for every chunk, so scoring a split allocates only its output.
import CVRAutograd
import CVRData
import CVRModels

/// Scores rows with a model, reusing its batch and tape across calls.
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

  /// p(conversion | click, x) of `model` for each of `rows`, in order (inference
  /// mode, nothing recorded; the model's previous mode is restored).
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
}

public enum Scoring {
  /// `Scorer(assembler:batchSize:).scores(model, rows:)`: one call, one scorer.
  public static func scores(_ model: any CVRModel, assembler: BatchAssembler, rows: [Int32],
                            batchSize: Int = 1024) -> [Float] {
    Scorer(assembler: assembler, batchSize: batchSize).scores(model, rows: rows)
  }
}
