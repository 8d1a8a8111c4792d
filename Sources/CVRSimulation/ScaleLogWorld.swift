// A large click log at a public data set's rates, for scale runs (ingest time,
// cache size, memory, an epoch's speed): sparse id fields with skewed
// popularity, clicks and conversions from a few fields' hashed effects.
import CVRCore
import CVRFileIO
import Foundation

/// Rows of sparse ids (one column per field, global raw ids as the Ali-CCP
/// processed CSV holds them: field f's ids are `offset_f + 1 …`), then the click
/// and conversion labels. Not a model of any real behaviour: only its size, its
/// id skew and its rates are meant to look like the public set's.
///
/// - Ids: field f draws local id ⌊V_f · u^3⌋ (u uniform): a few ids take most
///   rows, as user and item ids do in a click log.
/// - Click: Bernoulli(σ(b_click + Σ_f e_f(id))) over the `effectFields` first
///   fields, e_f(id) uniform with standard deviation 0.5 from a hash of (f, id);
///   conversion (on clicked rows only): Bernoulli(σ(b_conv + Σ_f e'_f(id))).
///   b_click and b_conv are logit(rate) shifted down by the mean of the effects'
///   lift (found by `calibrate` on a pilot draw), so the written rates land near
///   `clickRate` and `conversionPerClick`; the summary gives the written ones.
public enum ScaleLogWorld {
  public struct Config: Sendable, Equatable {
    /// Column names and id counts, in column order.
    public var fields: [(name: String, vocab: Int)]
    public var clickColumn: String
    public var conversionColumn: String
    public var rows: Int
    public var clickRate: Double
    public var conversionPerClick: Double
    /// How many of the first fields carry click and conversion effects.
    public var effectFields: Int

    public init(fields: [(name: String, vocab: Int)], clickColumn: String, conversionColumn: String, rows: Int,
                clickRate: Double, conversionPerClick: Double, effectFields: Int = 4) {
      self.fields = fields
      self.clickColumn = clickColumn
      self.conversionColumn = conversionColumn
      self.rows = rows
      self.clickRate = clickRate
      self.conversionPerClick = conversionPerClick
      self.effectFields = effectFields
    }

    public static func == (a: Config, b: Config) -> Bool {
      a.fields.map(\.name) == b.fields.map(\.name) && a.fields.map(\.vocab) == b.fields.map(\.vocab)
        && a.clickColumn == b.clickColumn && a.conversionColumn == b.conversionColumn && a.rows == b.rows
        && a.clickRate == b.clickRate && a.conversionPerClick == b.conversionPerClick && a.effectFields == b.effectFields
    }

    func check() throws {
      guard !fields.isEmpty, fields.allSatisfy({ $0.vocab > 0 }), rows > 0, clickRate > 0, clickRate < 1,
        conversionPerClick > 0, conversionPerClick < 1, effectFields >= 0
      else { throw SimulationError(problem: "ScaleLogWorld.Config: rows, vocabularies and rates out of range (\(rows) rows)") }
    }
  }

  /// What was written.
  public struct Written: Sendable, Equatable {
    public var rows = 0, clicks = 0, conversions = 0
    public var ctr: Double { rows == 0 ? 0 : Double(clicks) / Double(rows) }
    public var conversionPerClick: Double { clicks == 0 ? 0 : Double(conversions) / Double(clicks) }
  }

  /// Writes `config.rows` rows (header first) to `url` through AtomicFile; the bytes
  /// depend only on `config`, `seed` and `stream`. `seed` fixes the ids' effects (the
  /// world), `stream` the rows drawn from it: a test file of the same world takes the
  /// same seed and another stream.
  public static func write(_ config: Config, seed: UInt64, stream: UInt64 = 0, to url: URL) throws -> Written {
    try config.check()
    let offsets = config.fields.indices.map { f in config.fields[..<f].reduce(0) { $0 + $1.vocab } }
    let k = min(config.effectFields, config.fields.count)
    let (clickBias, conversionBias) = calibrate(config, seed: seed)
    var rng = SeededGenerator(seed: seed ^ 0x5CA1_E000_0000_0001 ^ (stream &* 0x9E37_79B9_7F4A_7C15))
    var written = Written()
    var ids = [Int](repeating: 0, count: config.fields.count)
    try AtomicFile.write(to: url) { sink in
      let out = CSVRowWriter(sink)
      for field in config.fields { out.text(field.name) }
      out.text(config.clickColumn)
      out.text(config.conversionColumn)
      try out.endLine()
      for _ in 0..<config.rows {
        var clickLogit = clickBias, conversionLogit = conversionBias
        for f in config.fields.indices {
          let u = rng.unit()
          ids[f] = min(Int(Double(config.fields[f].vocab) * u * u * u), config.fields[f].vocab - 1)
          if f < k {
            clickLogit += effect(seed: seed, field: f, id: ids[f], task: 0)
            conversionLogit += effect(seed: seed, field: f, id: ids[f], task: 1)
          }
          out.int(offsets[f] + ids[f] + 1)
        }
        let click = rng.bernoulli(sigmoid(clickLogit))
        let conversion = click && rng.bernoulli(sigmoid(conversionLogit))
        out.int(click ? 1 : 0)
        out.int(conversion ? 1 : 0)
        try out.endLine()
        written.rows += 1
        if click { written.clicks += 1 }
        if conversion { written.conversions += 1 }
      }
      try out.flush()
    }
    return written
  }

  /// e_f(id): uniform on ±0.5·√3 (standard deviation 0.5), the first draw of a
  /// generator seeded with (seed, task, field, id): the same id always has the same effect.
  static func effect(seed: UInt64, field: Int, id: Int, task: UInt64) -> Double {
    var g = SeededGenerator(seed: seed ^ (task << 62) ^ (UInt64(field) << 40) ^ UInt64(id))
    return (g.unit() - 0.5) * 0.5 * 12.0.squareRoot()
  }

  /// The two intercepts: logit(rate) minus the shift that makes the mean of
  /// σ(b + effects) over 20 000 pilot rows equal the rate (bisection).
  static func calibrate(_ config: Config, seed: UInt64) -> (click: Double, conversion: Double) {
    var rng = SeededGenerator(seed: seed ^ 0x5CA1_E000_0000_0002)
    let k = min(config.effectFields, config.fields.count)
    var sums = [(Double, Double)]()
    for _ in 0..<20_000 {
      var click = 0.0, conversion = 0.0
      for f in 0..<k {
        let u = rng.unit()
        let id = min(Int(Double(config.fields[f].vocab) * u * u * u), config.fields[f].vocab - 1)
        click += effect(seed: seed, field: f, id: id, task: 0)
        conversion += effect(seed: seed, field: f, id: id, task: 1)
      }
      sums.append((click, conversion))
    }
    func solve(_ rate: Double, _ pick: ((Double, Double)) -> Double) -> Double {
      var low = -20.0, high = 5.0
      for _ in 0..<60 {
        let mid = (low + high) / 2
        let mean = sums.reduce(0) { $0 + sigmoid(mid + pick($1)) } / Double(sums.count)
        if mean < rate { low = mid } else { high = mid }
      }
      return (low + high) / 2
    }
    return (solve(config.clickRate, { $0.0 }), solve(config.conversionPerClick, { $0.1 }))
  }
}
