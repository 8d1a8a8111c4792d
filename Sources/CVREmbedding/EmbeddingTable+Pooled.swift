// Multi-valued fields: each sample holds a bag of up to maxValues ids (tags,
// recent categories) pooled into one row by sum or mean, with padding ids and
// optional lengths marking the unused slots.
import CVRAutograd

/// How the rows of a bag are combined.
public enum Pooling: Sendable {
  /// Σ of the bag's rows.
  case sum
  /// Σ / n over the bag's n used (non-padding, within-length) values.
  case mean
}

extension EmbeddingTable {
  /// out[b, :] = w_b · Σ_v E[row(ids[b, v]), :] over the used values v of bag b: those
  /// before `lengths[b]` (all maxValues without lengths) whose id is not the padding id.
  /// w_b = 1 (`.sum`) or 1/n_b (`.mean`); a bag with no used value gives zeros and no gradient.
  ///
  /// Shapes: ids [batch, maxValues]; lengths [batch] or nil; out [batch, dim].
  /// Ids past a bag's length are never read (they may be anything).
  /// Backward: dE[row(ids[b, v])] += w_b · dOut[b] for the used values, into `parameter.sparseGrad`.
  public func lookupPooled(
    _ ids: UnsafeBufferPointer<Int32>, batch: Int, maxValues: Int, lengths: UnsafeBufferPointer<Int32>? = nil,
    mode: Pooling = .sum, _ tape: Tape
  ) -> Tensor {
    let (rows, weights) = resolveBags(ids, batch: batch, maxValues: maxValues, lengths: lengths, mode: mode, tape)
    return lookupPooledRows(rows, weights: weights, batch: batch, maxValues: maxValues, tape)
  }

  public func lookupPooled(
    _ ids: [Int32], batch: Int, maxValues: Int, lengths: [Int32]? = nil, mode: Pooling = .sum, _ tape: Tape
  ) -> Tensor {
    ids.withUnsafeBufferPointer { idBuffer in
      guard let lengths else {
        return lookupPooled(idBuffer, batch: batch, maxValues: maxValues, lengths: nil, mode: mode, tape)
      }
      return lengths.withUnsafeBufferPointer {
        lookupPooled(idBuffer, batch: batch, maxValues: maxValues, lengths: $0, mode: mode, tape)
      }
    }
  }

  // MARK: - Shared with LoRA

  /// Resolved rows [batch, maxValues] (−1 for padding and past-length slots) and
  /// the pooling weight of each bag, both in step memory.
  func resolveBags(
    _ ids: UnsafeBufferPointer<Int32>, batch: Int, maxValues: Int, lengths: UnsafeBufferPointer<Int32>?,
    mode: Pooling, _ tape: Tape
  ) -> (rows: UnsafeMutablePointer<Float>, weights: UnsafeMutablePointer<Float>) {
    precondition(ids.count == batch * maxValues, "\(name).lookupPooled: \(ids.count) ids for [\(batch), \(maxValues)]")
    precondition(lengths == nil || lengths!.count == batch, "\(name).lookupPooled: \(lengths!.count) lengths for batch \(batch)")
    let buffer = tape.arena.allocate(max(1, ids.count))
    let weights = tape.arena.allocate(max(1, batch))
    buffer.withMemoryRebound(to: Int32.self, capacity: ids.count) { rows in
      for b in 0..<batch {
        var used = maxValues
        if let lengths {
          let length = lengths[b]
          precondition(length >= 0 && Int(length) <= maxValues,
                       EmbeddingError.lengthOutOfRange(table: name, length: length, maxValues: maxValues, bag: b).description)
          used = Int(length)
        }
        let start = b * maxValues
        resolve(UnsafeBufferPointer(rebasing: ids[start..<(start + used)]), into: rows + start)
        for v in used..<maxValues { rows[start + v] = -1 }
        var n = 0
        for v in 0..<used where rows[start + v] >= 0 { n += 1 }
        weights[b] = n == 0 ? 0 : (mode == .sum ? 1 : 1 / Float(n))
      }
    }
    return (buffer, weights)
  }

  /// Pools the resolved bags and records the op when the table trains and the tape records.
  func lookupPooledRows(
    _ rows: UnsafeMutablePointer<Float>, weights: UnsafeMutablePointer<Float>, batch: Int, maxValues: Int,
    _ tape: Tape
  ) -> Tensor {
    let out = tape.empty(Shape(batch, dim))
    rows.withMemoryRebound(to: Int32.self, capacity: batch * maxValues) {
      EmbeddingKernels.gatherPooled(table: parameter.value.baseAddress!, dim: dim, rows: $0, bags: batch,
                                    width: maxValues, weights: weights, into: out.data)
    }
    guard tape.isRecording && requiresGrad else { return out }
    var node = Node(PooledLookupOp.self, output: out)
    node.saved = rows
    node.saved2 = weights
    node.ints = (batch, maxValues, dim, 0)
    node.object = tape.retain(self)
    return tape.recordGradientSink(node)
  }
}

/// Backward of a pooled lookup: object = the table, saved = resolved rows [bags, width]
/// (Int32 bits), saved2 = bag weights, ints = (bags, width, dim).
enum PooledLookupOp: DifferentiableOp {
  static func backward(_ node: borrowing Node, gradOutput: UnsafeMutablePointer<Float>, tape: Tape) {
    let table = unsafeDowncast(tape.objects[node.object], to: EmbeddingTable.self)
    let (bags, width, dim, _) = node.ints
    let weights = node.saved2!
    node.saved!.withMemoryRebound(to: Int32.self, capacity: bags * width) {
      EmbeddingKernels.scatterAddPooled(gradOutput, dim: dim, rows: $0, bags: bags, width: width,
                                        weights: weights, into: table.parameter.sparseGrad!)
    }
  }
}
