// An embedding table: a [vocab, dim] parameter with sparse-row gradients, its
// seeded initialisation, an optional padding id, and the policy that turns raw
// ids into table rows (strict range check, or hashing of out-of-range ids).
import CVRAutograd
import CVRCore
import CVRKernels

/// How a table's values are drawn when it is built (seeded, reproducible).
public enum EmbeddingInitializer: Sendable {
  case zeros
  /// U(low, high).
  case uniform(low: Float, high: Float)
  /// N(0, std²).
  case normal(std: Float)
  /// U(−a, a) with a = √(6 / (vocab + dim)) (Glorot & Bengio 2010, fan-in = vocab, fan-out = dim).
  case xavierUniform
}

/// What a table does with an id outside 0 ..< vocab.
public enum IdPolicy: Sendable, Equatable {
  /// Out-of-range ids are a data error: `validate` throws, lookups trap with the same message.
  case strict
  /// Out-of-range ids (any Int64, negative included) are mapped into the table by
  /// `EmbeddingTable.hashedRow(_:vocab:paddingRow:)`; in-range ids are kept as they are.
  case hashed
}

/// A [vocab, dim] table of embedding rows, read through lookup ops on a tape.
///
/// ```
/// var rng = SeededGenerator(seed: 1)
/// let items = EmbeddingTable("item", vocab: 1_000_000, dim: 32, initializer: .normal(std: 0.01), rng: &rng)
/// let e = items.lookup(ids, batch: 256, fields: 1, tape)   // [256, 1, 32]
/// ```
/// Gradients land in `parameter.sparseGrad` (touched rows only, duplicates merged).
/// The same table object may be looked up any number of times in a step (shared
/// tables): every lookup adds into the same sparse rows.
///
/// Ids outside 0 ..< vocab under `.strict`: lookups `precondition` (trap) rather
/// than throw. Bad ids are a property of the data, so they are checked once where a
/// batch is assembled, with `validate(_:)`, which throws a specific `EmbeddingError`
/// naming the table, id, vocab and position; the model's forward stays non-throwing
/// like every other tape op, and a hashed table (which cannot fail) costs no `try`.
///
/// `paddingId`, when set, reads as a zero row in every lookup (whatever its stored
/// values) and never receives gradient.
public final class EmbeddingTable {
  public let name: String
  /// The values [vocab, dim], with `gradientLayout == .sparseRows`.
  public let parameter: Parameter
  public let vocab: Int
  public let dim: Int
  public let paddingId: Int32?
  public let idPolicy: IdPolicy

  /// A table of seeded values. `paddingId` must lie in 0 ..< vocab; its row is set to zero.
  public init(
    _ name: String, vocab: Int, dim: Int, initializer: EmbeddingInitializer = .normal(std: 0.01),
    paddingId: Int32? = nil, idPolicy: IdPolicy = .strict, rng: inout SeededGenerator
  ) {
    precondition(vocab >= 1 && vocab <= Int(Int32.max) && dim >= 1,
                 "EmbeddingTable \(name): need 1 ≤ vocab ≤ Int32.max and dim ≥ 1, got vocab \(vocab), dim \(dim)")
    if let paddingId {
      precondition(paddingId >= 0 && Int(paddingId) < vocab,
                   "EmbeddingTable \(name): padding id \(paddingId) is outside 0..<\(vocab)")
      precondition(vocab >= 2 || idPolicy == .strict,
                   "EmbeddingTable \(name): a hashed table needs a row besides the padding row")
    }
    self.name = name
    self.vocab = vocab
    self.dim = dim
    self.paddingId = paddingId
    self.idPolicy = idPolicy
    parameter = Parameter(name, shape: Shape(vocab, dim), gradientLayout: .sparseRows)
    switch initializer {
    case .zeros:
      break  // Parameter starts zeroed
    case .uniform(let low, let high):
      parameter.fill { rng.nextFloat(in: low, high) }
    case .normal(let std):
      parameter.fill { rng.nextNormal() * std }
    case .xavierUniform:
      let a = (6 / Float(vocab + dim)).squareRoot()
      parameter.fill { rng.nextFloat(in: -a, a) }
    }
    if let paddingId { (parameter.value.baseAddress! + Int(paddingId) * dim).update(repeating: 0, count: dim) }
  }

  /// A table holding `values` ([vocab, dim], row-major), e.g. a merged LoRA table or a loaded checkpoint.
  public convenience init(
    _ name: String, vocab: Int, dim: Int, values: [Float], paddingId: Int32? = nil, idPolicy: IdPolicy = .strict
  ) {
    precondition(values.count == vocab * dim, "EmbeddingTable \(name): \(values.count) values for [\(vocab), \(dim)]")
    var unused = SeededGenerator(seed: 0)
    self.init(name, vocab: vocab, dim: dim, initializer: .zeros, paddingId: paddingId, idPolicy: idPolicy, rng: &unused)
    _ = parameter.value.update(fromContentsOf: values)
  }

  /// False freezes the table: lookups enter the tape as constants and record nothing.
  public var requiresGrad: Bool {
    get { parameter.requiresGrad }
    set { parameter.requiresGrad = newValue }
  }

  /// The stored values of row `row` (`dim` floats).
  public func row(_ row: Int) -> UnsafeMutablePointer<Float> { parameter.value.baseAddress! + row * dim }

  // MARK: - Ids to rows

  /// The table row that `id` reads, or −1 for the padding id. Traps on an
  /// out-of-range id of a `.strict` table (call `validate` first to get an error).
  @inline(__always)
  public func resolve(_ id: Int64) -> Int32 {
    if let paddingId, id == Int64(paddingId) { return -1 }
    if id >= 0 && id < Int64(vocab) { return Int32(truncatingIfNeeded: id) }
    precondition(idPolicy == .hashed, EmbeddingError.idOutOfRange(table: name, id: id, vocab: vocab, position: -1).description)
    return Int32(truncatingIfNeeded: EmbeddingTable.hashedRow(id, vocab: vocab, paddingRow: paddingId.map(Int.init)))
  }

  /// The row of an out-of-range id under `.hashed`: the SplitMix64 finaliser
  /// (Steele, Lea & Flood 2014) of the id's bit pattern plus the golden-ratio
  /// increment 0x9E3779B97F4A7C15, reduced mod the number of usable rows. With a
  /// padding row p the result is taken mod (vocab − 1) and rows ≥ p move up by one,
  /// so a hashed id never lands on the padding row. Deterministic across runs and
  /// machines (no per-process seed).
  public static func hashedRow(_ id: Int64, vocab: Int, paddingRow: Int? = nil) -> Int {
    var z = UInt64(bitPattern: id) &+ 0x9E37_79B9_7F4A_7C15
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    z ^= z >> 31
    guard let paddingRow else { return Int(z % UInt64(vocab)) }
    let row = Int(z % UInt64(vocab - 1))
    return row >= paddingRow ? row + 1 : row
  }

  /// rows[i] = resolve(ids[i]) for every id.
  func resolve(_ ids: UnsafeBufferPointer<Int32>, into rows: UnsafeMutablePointer<Int32>) {
    let vocab32 = Int32(truncatingIfNeeded: vocab)
    let padding = paddingId ?? -1
    for i in 0..<ids.count {
      let id = ids[i]
      // Fast path: an in-range, non-padding id is its own row.
      rows[i] = id >= 0 && id < vocab32 && id != padding ? id : resolve(Int64(id))
    }
  }

  /// rows[i] = resolve(ids[i]) for every raw 64-bit id.
  func resolve(_ ids: UnsafeBufferPointer<Int64>, into rows: UnsafeMutablePointer<Int32>) {
    for i in 0..<ids.count { rows[i] = resolve(ids[i]) }
  }
}
