// Low-rank adaptation of a frozen embedding table: E' = E + (α/r)·A·B with a
// sparse-row factor A indexed by the id and a small dense factor B, so a task
// can adapt a shared table at a cost of r floats per touched row.
import CVRAutograd
import CVRCore
import CVRKernels

/// An embedding table read as E' = E + (α/r)·A·B (Hu et al. 2021, "LoRA: Low-Rank
/// Adaptation of Large Language Models", applied to an embedding as in PEFT's
/// `lora.Embedding`; WORKLOADS M3: "e + A[id]·B with A (rows × 4) zero-initialised
/// and B (4 × 8)").
///
/// Convention:
/// - `base` E [vocab, dim] is frozen by `init` (its lookups are tape constants).
/// - `a` A [vocab, r] is an `EmbeddingTable` (sparse-row gradient, row-indexed by the
///   id, same padding id and id policy as E), ZERO-initialised: at the start every
///   lookup equals the base table's exactly.
/// - `b` B [r, dim] is a dense `Parameter`, seeded N(0, bStd²) (PEFT's default std 1),
///   so the gradient reaching A is non-zero from the first step.
/// - scale = α / r.
///
/// A lookup is e = E[id] + scale · (A[id] · B), built from the lookup ops and the
/// tape's `matmul`, `scale`, `add`; A's gradient arrives as sparse rows, B's dense.
/// Train `trainableParameters` ([A, B]); export `merged()`.
public final class LoRAEmbedding {
  public let base: EmbeddingTable
  public let a: EmbeddingTable
  public let b: Parameter
  public let rank: Int
  public let alpha: Float
  /// α / r, the factor on A·B.
  public var scale: Float { alpha / Float(rank) }
  public var dim: Int { base.dim }

  /// Wraps `base` (and freezes it). `alpha` defaults to `rank` (scale 1). A and B are
  /// named `name`/lora_A and `name`/lora_B, `name` defaulting to the base's (pass
  /// another when several adapters share one base, e.g. one per task).
  public init(base: EmbeddingTable, rank: Int = 4, alpha: Float? = nil, bStd: Float = 1, name: String? = nil,
              rng: inout SeededGenerator) {
    precondition(rank >= 1, "LoRAEmbedding \(base.name): rank must be ≥ 1, got \(rank)")
    base.requiresGrad = false
    self.base = base
    self.rank = rank
    self.alpha = alpha ?? Float(rank)
    let prefix = name ?? base.name
    a = EmbeddingTable(prefix + "/lora_A", vocab: base.vocab, dim: rank, initializer: .zeros,
                       paddingId: base.paddingId, idPolicy: base.idPolicy, rng: &rng)
    b = Parameter(prefix + "/lora_B", shape: Shape(rank, base.dim))
    b.fill { rng.nextNormal() * bStd }
  }

  /// The parameters an optimizer should update: A (sparse rows) and B (dense).
  public var trainableParameters: [Parameter] { [a.parameter, b] }

  /// out[b, f, :] = E[id] + (α/r) · A[id] · B, zero for the padding id.
  ///
  /// Shapes: ids [batch, fields]; out [batch, fields, dim].
  public func lookup(_ ids: UnsafeBufferPointer<Int32>, batch: Int, fields: Int, _ tape: Tape) -> Tensor {
    precondition(ids.count == batch * fields, "\(base.name).lookup: \(ids.count) ids for [\(batch), \(fields)]")
    return adapted(base.resolveRows(ids, tape), shape: Shape(batch, fields, dim), tape)
  }

  public func lookup(rawIds ids: UnsafeBufferPointer<Int64>, batch: Int, fields: Int, _ tape: Tape) -> Tensor {
    precondition(ids.count == batch * fields, "\(base.name).lookup: \(ids.count) ids for [\(batch), \(fields)]")
    return adapted(base.resolveRows(ids, tape), shape: Shape(batch, fields, dim), tape)
  }

  public func lookup(_ ids: [Int32], batch: Int, fields: Int, _ tape: Tape) -> Tensor {
    ids.withUnsafeBufferPointer { lookup($0, batch: batch, fields: fields, tape) }
  }

  public func lookup(rawIds ids: [Int64], batch: Int, fields: Int, _ tape: Tape) -> Tensor {
    ids.withUnsafeBufferPointer { lookup(rawIds: $0, batch: batch, fields: fields, tape) }
  }

  /// A behaviour sequence through the adapted table: `lookup` with fields = seqLen.
  ///
  /// Shapes: ids [batch, seqLen]; out [batch, seqLen, dim].
  public func lookupSequence(_ ids: [Int32], batch: Int, seqLen: Int, _ tape: Tape) -> Tensor {
    lookup(ids, batch: batch, fields: seqLen, tape)
  }

  /// pool(E')[b] = pool(E)[b] + (α/r) · pool(A)[b] · B, pooling being linear.
  ///
  /// Shapes: ids [batch, maxValues]; lengths [batch] or nil; out [batch, dim].
  public func lookupPooled(
    _ ids: [Int32], batch: Int, maxValues: Int, lengths: [Int32]? = nil, mode: Pooling = .sum, _ tape: Tape
  ) -> Tensor {
    let bags = ids.withUnsafeBufferPointer { idBuffer in
      guard let lengths else {
        return base.resolveBags(idBuffer, batch: batch, maxValues: maxValues, lengths: nil, mode: mode, tape)
      }
      return lengths.withUnsafeBufferPointer {
        base.resolveBags(idBuffer, batch: batch, maxValues: maxValues, lengths: $0, mode: mode, tape)
      }
    }
    let e = base.lookupPooledRows(bags.rows, weights: bags.weights, batch: batch, maxValues: maxValues, tape)
    let low = a.lookupPooledRows(bags.rows, weights: bags.weights, batch: batch, maxValues: maxValues, tape)
    return tape.add(e, tape.scale(tape.matmul(low, tape.param(b)), by: scale))
  }

  /// E[rows] + scale · A[rows] · B for rows already resolved (A shares E's policy).
  private func adapted(_ rows: UnsafeMutablePointer<Float>, shape: Shape, _ tape: Tape) -> Tensor {
    let e = base.lookupRows(rows, shape: shape, tape)
    let low = a.lookupRows(rows, shape: shape.replacing(-1, with: rank), tape)
    return tape.add(e, tape.scale(tape.matmul(low, tape.param(b)), by: scale))
  }

  /// The dense table E + (α/r)·A·B, row-major [vocab, dim], for export.
  public func mergedValues() -> [Float] {
    var values = base.parameter.values()
    values.withUnsafeMutableBufferPointer { out in
      Gemm.multiply(.none, .none, m: base.vocab, n: base.dim, k: rank, alpha: scale,
                    a: a.parameter.value.baseAddress!, b: b.value.baseAddress!, beta: 1, c: out.baseAddress!)
    }
    return values
  }

  /// A plain table holding E + (α/r)·A·B, with the base's name, padding id and id policy.
  public func merged() -> EmbeddingTable {
    EmbeddingTable(base.name, vocab: base.vocab, dim: base.dim, values: mergedValues(),
                   paddingId: base.paddingId, idPolicy: base.idPolicy)
  }
}
