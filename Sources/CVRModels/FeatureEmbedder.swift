// The shared embedding layer (MetaCVR §2.2): turns a batch's ids and dense
// values into the block vectors e_u, e_i, e_ui, e_c and the sequence e_seq.
import CVRAutograd
import CVRCore
import CVRData
import CVREmbedding
import CVRKernels
import CVRLayers

/// The embedded blocks of one batch (n = batch.count samples).
///
/// Shapes: user [n, d_u], item [n, d_i], interaction [n, d_ui], context [n, d_c]
/// (nil when the schema has no column in that block); sequence [n, T, d_s] with
/// its key mask [n, T] (1 = a behaviour, 0 = padding), nil without a sequence or
/// when the embedder was asked to skip it.
public struct EmbeddedFeatures {
  public var user: Tensor?
  public var item: Tensor?
  public var interaction: Tensor?
  public var context: Tensor?
  public var sequence: Tensor?
  public var sequenceMask: Tensor?
}

/// Owns the embedding tables of a `FeaturePlan` and looks a batch up.
///
/// e_block = [E_t1[id_1]; …; pool(E_tk[ids_k]); dense_1; …] per block, in schema
/// order; e_seq[t] = [E_t1[id_1,t]; …] over the aligned sequence columns.
/// An optional occasion embedding (`occasionDim` > 0) is appended to the context
/// block: the paper lists "position and time information" as context, the
/// benchmark workload M1 adds the occasion.
public final class FeatureEmbedder: Layer {
  public let plan: FeaturePlan
  /// Tables by name, in plan order.
  public let tables: [EmbeddingTable]
  /// The occasion table ([occasions, occasionDim]) when the context carries the occasion.
  public let occasionTable: EmbeddingTable?
  public let includeSequence: Bool
  private let tableIndex: [String: Int]

  /// - Parameters:
  ///   - includeSequence: false drops the behaviour sequence (DCN and XGBoost in the paper).
  ///   - occasionDim: width of an occasion embedding appended to e_c (0: none).
  public init(
    plan: FeaturePlan, includeSequence: Bool = true, occasionDim: Int = 0, name: String = "embedding",
    rng: inout SeededGenerator
  ) throws {
    if occasionDim > 0 && plan.occasions.isEmpty {
      throw ModelError.config("an occasion embedding needs occasions in the schema (occasions: or a calendar)")
    }
    self.plan = plan
    self.includeSequence = includeSequence
    var made: [EmbeddingTable] = []
    for table in plan.tables {
      made.append(EmbeddingTable("\(name).\(table.name)", vocab: table.vocab, dim: table.dim,
                                 initializer: .xavierUniform, rng: &rng))
    }
    tables = made
    tableIndex = Dictionary(uniqueKeysWithValues: plan.tables.enumerated().map { ($1.name, $0) })
    occasionTable = occasionDim > 0
      ? EmbeddingTable("\(name).occasion", vocab: plan.occasions.count, dim: occasionDim,
                       initializer: .xavierUniform, rng: &rng)
      : nil
  }

  public var ownParameters: [Parameter] { tables.map(\.parameter) + (occasionTable.map { [$0.parameter] } ?? []) }

  public func table(_ name: String) -> EmbeddingTable { tables[tableIndex[name]!] }

  public var userDim: Int { plan.user.dim }
  public var itemDim: Int { plan.item.dim }
  public var interactionDim: Int { plan.interaction.dim }
  public var contextDim: Int { plan.context.dim + (occasionTable?.dim ?? 0) }
  /// Width of one sequence position (0 without a sequence or when it is skipped).
  public var sequenceDim: Int { includeSequence ? plan.sequence?.dim ?? 0 : 0 }

  /// Looks up every block of `batch`'s first `batch.count` samples.
  public func callAsFunction(_ batch: Batch, _ tape: Tape) -> EmbeddedFeatures {
    let n = batch.count
    var out = EmbeddedFeatures()
    out.user = block(plan.user, batch, tape)
    out.item = block(plan.item, batch, tape)
    out.interaction = block(plan.interaction, batch, tape)
    var context = block(plan.context, batch, tape)
    if let occasionTable {
      let occasion = occasionTable.lookup(storeRows: batch.occasions, batch: n, fields: 1, tape)
        .reshaped(Shape(n, occasionTable.dim))
      context = context.map { tape.concat($0, occasion, axis: 1) } ?? occasion
    }
    out.context = context
    if includeSequence, let sequence = plan.sequence {
      // Parts on the tape's staging stack and loops by index: a warm step allocates nothing.
      let mark = tape.stageMark
      for f in 0..<sequence.columns.count {
        let field = sequence.columns[f]
        let block = batch.sequences[field.column]
        let table = table(field.table)
        tape.stage(table.lookup(storeRows: block.ids, batch: n, fields: block.width, tape)
          .reshaped(Shape(n * block.width, table.dim)))
      }
      let width = batch.sequences[sequence.columns[0].column].width
      let joined = tape.concatStaged(from: mark, axis: 1)
      out.sequence = joined.reshaped(Shape(n, width, sequence.dim))
      let mask = tape.empty(Shape(n, width))
      mask.data.update(from: batch.sequences[sequence.columns[0].column].mask!, count: n * width)
      out.sequenceMask = mask
    }
    return out
  }

  /// The low-rank updates (α/r)·A[id]·B of `adapters` (LoRA tables by table name,
  /// each over the table of that name) laid out exactly as `callAsFunction`'s blocks,
  /// without the sequence: a sparse or pooled field of an adapted table gets its
  /// update (pooling is linear, so the pooled update is pool(A)·B), every other
  /// field (dense values, tables without an adapter, the occasion) zeros. So
  /// e + Δ is the adapted lookup E'[id] = E[id] + (α/r)·A[id]·B of every field, and
  /// e from the frozen tables is computed once for all the tasks that adapt it.
  ///
  /// Shapes: as `callAsFunction`'s user, item, interaction and context blocks.
  public func loraDelta(_ batch: Batch, adapters: [String: LoRAEmbedding], _ tape: Tape) -> EmbeddedFeatures {
    let n = batch.count
    var out = EmbeddedFeatures()
    out.user = block(plan.user, batch, tape, adapters: adapters)
    out.item = block(plan.item, batch, tape, adapters: adapters)
    out.interaction = block(plan.interaction, batch, tape, adapters: adapters)
    var context = block(plan.context, batch, tape, adapters: adapters)
    if let occasionTable {
      let zeros = tape.zeros(Shape(n, occasionTable.dim))
      context = context.map { tape.concat($0, zeros, axis: 1) } ?? zeros
    }
    out.context = context
    return out
  }

  /// [n, block.dim]: the block's sparse embeddings, pooled lists and dense values, or nil when empty;
  /// with `adapters`, their LoRA updates instead (see `loraDelta`).
  private func block(_ block: FeaturePlan.Block, _ batch: Batch, _ tape: Tape,
                     adapters: [String: LoRAEmbedding]? = nil) -> Tensor? {
    guard !block.isEmpty else { return nil }
    let n = batch.count
    // The parts go on the tape's staging stack, and every loop runs by index: a warm
    // step allocates nothing (an Array per call, or a debug build's generic iterator
    // over these structs, would).
    let mark = tape.stageMark
    let sparseWidth = batch.layout.sparse.count
    /// (α/r)·low·B for an adapted table's looked-up A rows `low` [n, r].
    func update(_ low: Tensor, _ adapter: LoRAEmbedding) -> Tensor {
      tape.scale(tape.matmul(low, tape.param(adapter.b)), by: adapter.scale)
    }
    for f in 0..<block.sparse.count {
      let field = block.sparse[f]
      let table = table(field.table)
      if let adapters {
        guard let adapter = adapters[field.table] else {
          tape.stage(tape.zeros(Shape(n, table.dim)))
          continue
        }
        let low = adapter.a.lookup(storeRows: batch.sparse, batch: n, fields: 1, rowStride: sparseWidth,
                                   column: field.column, tape).reshaped(Shape(n, adapter.rank))
        tape.stage(update(low, adapter))
        continue
      }
      tape.stage(table.lookup(storeRows: batch.sparse, batch: n, fields: 1, rowStride: sparseWidth,
                              column: field.column, tape).reshaped(Shape(n, table.dim)))
    }
    for f in 0..<block.multi.count {
      let field = block.multi[f]
      let list = batch.multi[field.index]
      func pooled(_ table: EmbeddingTable) -> Tensor {
        table.lookupPooled(
          UnsafeBufferPointer(start: list.ids, count: n * list.width), batch: n, maxValues: list.width,
          lengths: UnsafeBufferPointer(start: list.lengths, count: n), mode: field.mean ? .mean : .sum, tape)
      }
      if let adapters {
        if let adapter = adapters[field.table] {
          tape.stage(update(pooled(adapter.a), adapter))
        } else {
          tape.stage(tape.zeros(Shape(n, table(field.table).dim)))
        }
      } else {
        tape.stage(pooled(table(field.table)))
      }
    }
    if !block.dense.isEmpty {
      let k = block.dense.count
      if adapters != nil {
        tape.stage(tape.zeros(Shape(n, k)))
      } else {
        let dense = tape.empty(Shape(n, k))
        let width = batch.layout.dense.count
        for j in 0..<k {
          let column = block.dense[j].column
          for b in 0..<n { dense.data[b * k + j] = batch.dense[b * width + column] }
        }
        tape.stage(dense)
      }
    }
    return tape.concatStaged(from: mark, axis: 1)
  }
}
