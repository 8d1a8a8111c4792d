// Single-valued lookups: one row per id, for fields [batch, fields] and for
// behaviour sequences [batch, seqLen] (with their key mask), recorded on the tape
// with a backward that scatter-adds into the table's sparse-row gradient.
import CVRAutograd

extension EmbeddingTable {
  /// out[b, f, :] = E[row(ids[b, f]), :], the zero row for the padding id.
  ///
  /// Shapes: ids [batch, fields] (row-major, count batch·fields); out [batch, fields, dim].
  /// For a flat feature vector use `.reshaped(Shape(batch, fields * dim))` (free).
  /// Backward: dE[row(ids[b, f])] += dOut[b, f] into `parameter.sparseGrad`, padding skipped,
  /// duplicates merged. A frozen table, or a tape not recording, records nothing.
  public func lookup(_ ids: UnsafeBufferPointer<Int32>, batch: Int, fields: Int, _ tape: Tape) -> Tensor {
    precondition(ids.count == batch * fields, "\(name).lookup: \(ids.count) ids for [\(batch), \(fields)]")
    return lookupRows(resolveRows(ids, tape), shape: Shape(batch, fields, dim), tape)
  }

  /// As above for raw 64-bit ids (hashed into the table under `.hashed`). The label keeps
  /// integer literals unambiguous: `lookup([1, 2], …)` reads Int32 ids.
  public func lookup(rawIds ids: UnsafeBufferPointer<Int64>, batch: Int, fields: Int, _ tape: Tape) -> Tensor {
    precondition(ids.count == batch * fields, "\(name).lookup: \(ids.count) ids for [\(batch), \(fields)]")
    return lookupRows(resolveRows(ids, tape), shape: Shape(batch, fields, dim), tape)
  }

  public func lookup(_ ids: [Int32], batch: Int, fields: Int, _ tape: Tape) -> Tensor {
    ids.withUnsafeBufferPointer { lookup($0, batch: batch, fields: fields, tape) }
  }

  public func lookup(rawIds ids: [Int64], batch: Int, fields: Int, _ tape: Tape) -> Tensor {
    ids.withUnsafeBufferPointer { lookup(rawIds: $0, batch: batch, fields: fields, tape) }
  }

  /// out[b, t, :] = E[row(ids[b, t]), :]: a behaviour sequence, padded positions
  /// reading zero rows. The same op as `lookup` with fields = seqLen.
  ///
  /// Shapes: ids [batch, seqLen]; out [batch, seqLen, dim]. Pair with `keyMask`.
  public func lookupSequence(_ ids: UnsafeBufferPointer<Int32>, batch: Int, seqLen: Int, _ tape: Tape) -> Tensor {
    lookup(ids, batch: batch, fields: seqLen, tape)
  }

  public func lookupSequence(rawIds ids: UnsafeBufferPointer<Int64>, batch: Int, seqLen: Int, _ tape: Tape) -> Tensor {
    lookup(rawIds: ids, batch: batch, fields: seqLen, tape)
  }

  public func lookupSequence(_ ids: [Int32], batch: Int, seqLen: Int, _ tape: Tape) -> Tensor {
    lookup(ids, batch: batch, fields: seqLen, tape)
  }

  public func lookupSequence(rawIds ids: [Int64], batch: Int, seqLen: Int, _ tape: Tape) -> Tensor {
    lookup(rawIds: ids, batch: batch, fields: seqLen, tape)
  }

  /// out[b, f, :] = E[rows[b, f], :] for rows the data layer already resolved
  /// (the column store's convention): a row in 0..<vocab, or a negative value for
  /// an empty slot (a padded sequence position), which reads zeros and gets no gradient.
  ///
  /// Shapes: rows [batch, fields] (row-major, count batch·fields); out [batch, fields, dim].
  /// `rowStride` > fields reads a [batch, rowStride] block's first `fields` columns
  /// starting at `column` (one field of a wider row-major id block).
  public func lookup(
    storeRows rows: UnsafePointer<Int32>, batch: Int, fields: Int, rowStride: Int? = nil, column: Int = 0,
    _ tape: Tape
  ) -> Tensor {
    let stride = rowStride ?? fields
    precondition(column >= 0 && column + fields <= stride, "\(name).lookup: columns \(column)..<\(column + fields) outside a row of \(stride)")
    let buffer = tape.arena.allocate(max(1, batch * fields))
    let vocab32 = Int32(truncatingIfNeeded: vocab)
    buffer.withMemoryRebound(to: Int32.self, capacity: batch * fields) { resolved in
      for b in 0..<batch {
        let source = rows + b * stride + column
        for f in 0..<fields {
          let row = source[f]
          precondition(row < vocab32, "\(name).lookup: store row \(row) is outside the table's \(vocab) rows")
          resolved[b * fields + f] = row < 0 ? -1 : row
        }
      }
    }
    return lookupRows(buffer, shape: Shape(batch, fields, dim), tape)
  }

  /// mask[b, t] = 1 where ids[b, t] ≠ paddingId, else 0 (all ones without a padding id):
  /// the key mask `Tape.attention` takes. A constant on the tape.
  ///
  /// Shapes: ids [batch, seqLen]; mask [batch, seqLen].
  public func keyMask(_ ids: UnsafeBufferPointer<Int32>, batch: Int, seqLen: Int, _ tape: Tape) -> Tensor {
    precondition(ids.count == batch * seqLen, "\(name).keyMask: \(ids.count) ids for [\(batch), \(seqLen)]")
    let mask = tape.empty(Shape(batch, seqLen))
    let padding = Int64(paddingId ?? -1)
    let usePadding = paddingId != nil
    for i in 0..<ids.count { mask.data[i] = usePadding && Int64(ids[i]) == padding ? 0 : 1 }
    return mask
  }

  public func keyMask(rawIds ids: UnsafeBufferPointer<Int64>, batch: Int, seqLen: Int, _ tape: Tape) -> Tensor {
    precondition(ids.count == batch * seqLen, "\(name).keyMask: \(ids.count) ids for [\(batch), \(seqLen)]")
    let mask = tape.empty(Shape(batch, seqLen))
    let padding = Int64(paddingId ?? -1)
    let usePadding = paddingId != nil
    for i in 0..<ids.count { mask.data[i] = usePadding && ids[i] == padding ? 0 : 1 }
    return mask
  }

  public func keyMask(_ ids: [Int32], batch: Int, seqLen: Int, _ tape: Tape) -> Tensor {
    ids.withUnsafeBufferPointer { keyMask($0, batch: batch, seqLen: seqLen, tape) }
  }

  public func keyMask(rawIds ids: [Int64], batch: Int, seqLen: Int, _ tape: Tape) -> Tensor {
    ids.withUnsafeBufferPointer { keyMask(rawIds: $0, batch: batch, seqLen: seqLen, tape) }
  }

  // MARK: - Shared by the lookups and LoRA

  /// The rows of `ids` (−1 for padding) in step memory, as Int32 bit patterns in a
  /// Float buffer so that the node can keep them in `saved`.
  func resolveRows(_ ids: UnsafeBufferPointer<Int32>, _ tape: Tape) -> UnsafeMutablePointer<Float> {
    let buffer = tape.arena.allocate(max(1, ids.count))
    buffer.withMemoryRebound(to: Int32.self, capacity: ids.count) { resolve(ids, into: $0) }
    return buffer
  }

  func resolveRows(_ ids: UnsafeBufferPointer<Int64>, _ tape: Tape) -> UnsafeMutablePointer<Float> {
    let buffer = tape.arena.allocate(max(1, ids.count))
    buffer.withMemoryRebound(to: Int32.self, capacity: ids.count) { resolve(ids, into: $0) }
    return buffer
  }

  /// Gathers the resolved `rows` (shape.count / dim of them) and records the lookup
  /// when the table trains and the tape records.
  func lookupRows(_ rows: UnsafeMutablePointer<Float>, shape: Shape, _ tape: Tape) -> Tensor {
    let count = shape.count / dim
    let out = tape.empty(shape)
    rows.withMemoryRebound(to: Int32.self, capacity: count) {
      EmbeddingKernels.gather(table: parameter.value.baseAddress!, dim: dim, rows: $0, count: count, into: out.data)
    }
    guard tape.isRecording && requiresGrad else { return out }
    var node = Node(LookupOp.self, output: out)
    node.saved = rows
    node.ints = (count, dim, 0, 0)
    node.object = tape.retain(self)
    return tape.recordGradientSink(node)
  }
}

/// Backward of a lookup: object = the table, saved = resolved rows (Int32 bits),
/// ints = (count, dim). It has no tensor input: its gradient goes to the table's sparse rows.
enum LookupOp: DifferentiableOp {
  static func backward(_ node: borrowing Node, gradOutput: UnsafeMutablePointer<Float>, tape: Tape) {
    let table = unsafeDowncast(tape.objects[node.object], to: EmbeddingTable.self)
    let (count, dim, _, _) = node.ints
    node.saved!.withMemoryRebound(to: Int32.self, capacity: count) {
      EmbeddingKernels.scatterAdd(gradOutput, dim: dim, rows: $0, count: count, into: table.parameter.sparseGrad!)
    }
  }
}
