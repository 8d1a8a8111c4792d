// One scoring thread's private state: a row decoder, a batch and an inference
// tape per model version it has scored, reused for every batch, so concurrent
// workers share nothing mutable and a batch allocates only its outputs.
import CVRAutograd
import CVRData
import CVRIngest
import CVRModels

/// The scores of one request: `values[h][i]` is head `heads[h]` of row i.
public struct ScoredRows: Sendable, Equatable {
  public let heads: [PredictionHead]
  public let values: [[Float]]
}

/// A worker's buffers for one model version.
final class ScoringState {
  weak var model: ServedModel?
  let decoder: FieldRowsDecoder
  let batch: Batch
  let tape = Tape(recording: false)
  var rows: [Int32] = []

  init(model: ServedModel, capacity: Int) {
    self.model = model
    decoder = FieldRowsDecoder(inputsOf: model.bundle.schema, expectedRows: capacity)
    batch = Batch(layout: BatchLayout(schema: decoder.schema), capacity: capacity)
  }
}

/// Decodes and scores coalesced requests of one model on the calling thread.
final class ScoringWorker: @unchecked Sendable {  // used by one thread only
  private var states: [ScoringState] = []
  private let capacity: Int

  init(batchCapacity: Int) { capacity = batchCapacity }

  /// Decodes every request's rows (a request with a bad field fails alone, with
  /// its row and field), scores the good ones in one pass, and splits the scores.
  func score(_ requests: [RequestRows], model: ServedModel) -> [Result<ScoredRows, ServeError>] {
    let state = self.state(for: model)
    let decoder = state.decoder
    decoder.removeAll()
    var results: [Result<ScoredRows, ServeError>?] = Array(repeating: nil, count: requests.count)
    var spans: [Range<Int>] = Array(repeating: 0..<0, count: requests.count)
    for (j, request) in requests.enumerated() {
      let first = decoder.rowCount
      request.withFields { field in
        for row in 0..<request.rowCount {
          do throws(RowFieldError) { try decoder.appendRow { field(row, $0) } } catch {
            decoder.truncate(rows: first)
            results[j] = .failure(.badRequest(error.reason, row: row, field: error.column))
            return
          }
        }
      }
      spans[j] = first..<decoder.rowCount
    }
    let total = decoder.rowCount
    var outputs: [[Float]] = []
    if total > 0 {
      do { outputs = try run(state, model: model, rows: total) } catch {
        let failure = ServeError(status: 500, "scoring failed: \(error)")
        return results.map { $0 ?? .failure(failure) }
      }
    }
    decoder.removeAll()
    return results.enumerated().map { j, result in
      result ?? .success(ScoredRows(heads: model.heads, values: outputs.map { Array($0[spans[j]]) }))
    }
  }

  /// Every head of `model` for the decoder's first `rows` rows.
  private func run(_ state: ScoringState, model: ServedModel, rows count: Int) throws -> [[Float]] {
    let assembler = try BatchAssembler(store: state.decoder.store(), normalizer: model.bundle.normalizer)
    if state.rows.count < count { state.rows = (0..<Int32(max(count, capacity))).map { $0 } }
    let rows = Array(state.rows[0..<count])
    switch model.bundle.predictor {
    case .xgboost(let predictor):
      model.boosterLock.lock()
      defer { model.boosterLock.unlock() }
      return [try predictor.scores(assembler: assembler, rows: rows)]
    case .network(let network):
      let heads = model.heads
      let pointers = heads.map { _ in UnsafeMutablePointer<Float>.allocate(capacity: count) }
      defer { pointers.forEach { $0.deallocate() } }
      assembler.forEachChunk(of: rows, in: state.batch) { batch, start in
        var out = PredictionOutputs()
        for (h, head) in heads.enumerated() { out[head] = pointers[h] + start }
        network.score(batch, state.tape, into: out)
      }
      state.tape.reset()
      return pointers.map { Array(UnsafeBufferPointer(start: $0, count: count)) }
    }
  }

  private func state(for model: ServedModel) -> ScoringState {
    if let state = states.first(where: { $0.model === model }) { return state }
    states.removeAll { $0.model == nil }  // versions retired by a reload
    let state = ScoringState(model: model, capacity: capacity)
    states.append(state)
    return state
  }
}
