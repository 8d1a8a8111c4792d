// Episodic prototypes [beyond the paper]: one prototype set per query day,
// each from the latest labelled days strictly before it, so neither training
// nor scoring ever reads a label of the day it predicts (no look-ahead).
import CVRAutograd
import CVRCore
import CVRData

/// p_{occ,t}^cls = Norm(Mean{g(x) − μ | x clicked, occasion occ, class cls, day(x) ∈ S(occ, t)}),
/// the Eq. 3 mean over a support window S(occ, t) that moves with the query day t [beyond the paper].
///
/// S(occ, t): walking back from day t − 1, the latest `window` days on which
/// the occasion has clicked rows, extended further back until both classes are
/// present; an occasion never seen with both classes before t takes every
/// occasion's rows of such a window instead (no occasion information yet, but no
/// look-ahead either). Query days run from `firstDay` to `firstDay + T − 1`; MetaCVR maps a
/// sample's day to its episode clamped to that range, so D_r's day d uses the
/// window before d and every later day (D_v, serving) the last one, which ends
/// at the training cut. Days before `firstDay` would get the first window (a
/// look-ahead only for rows older than D_r, which stage 2 neither trains nor is meant to score).
public enum EpisodicPrototypes {
  /// Clicked rows per occasion, day and class: the sum of g − μ (Double) and the count.
  struct Totals {
    var sum: [Double]
    var count: Int
  }

  /// The support days of query day `queryDay` for one occasion, newest first, from
  /// `classCounts[day] = (positives, negatives)` of that occasion: the latest `window`
  /// days before `queryDay` with any clicked row, then more until both classes are
  /// present. Nil when the days before `queryDay` never hold both classes.
  public static func supportDays(queryDay: Int32, window: Int,
                                 classCounts: [Int32: (positives: Int, negatives: Int)]) -> [Int32]? {
    precondition(window >= 1, "supportDays: window must be at least 1")
    var days: [Int32] = [], positives = 0, negatives = 0
    for day in classCounts.keys.filter({ $0 < queryDay }).sorted(by: >) {
      let c = classCounts[day]!
      guard c.positives + c.negatives > 0 else { continue }
      if days.count >= window && positives > 0 && negatives > 0 { break }
      days.append(day)
      positives += c.positives
      negatives += c.negatives
    }
    return positives > 0 && negatives > 0 ? days : nil
  }

  /// The [K, 2, T, D] prototypes for query days `firstDay ..< firstDay + episodes`
  /// from the labelled clicked `rows` (D's), on `layer`, centred on `center`.
  ///
  /// Throws `ModelError.config` naming the query day when no day before it holds
  /// both a purchase and another click (of any occasion).
  public static func compute(base: BaseCVRModel, assembler: BatchAssembler, rows: [Int32], firstDay: Int32,
                             episodes: Int, window: Int, layer: PrototypeLayer, center: [Float]?,
                             batchSize: Int) throws -> Prototypes {
    precondition(episodes >= 1 && window >= 1, "EpisodicPrototypes.compute: episodes and window must be positive")
    let names = base.plan.occasions
    let k = names.count
    guard let days = assembler.store.days, let occasions = assembler.store.occasions,
      let conversions = assembler.store.conversions
    else { throw ModelError.config("episodic prototypes need day, occasion and conversion columns") }
    // One inference pass: per (occasion, day, class) totals.
    var totals: [[Int32: [Totals]]] = Array(repeating: [:], count: k + 1)
    var dim = 0
    let tape = Tape(recording: false)
    let batch = assembler.makeBatch(capacity: batchSize)
    assembler.forEachChunk(of: rows, in: batch) { batch, _ in
      tape.reset()
      let g = base.metricLayer(batch, tape, layer: layer).layer
      dim = g.shape[1]
      for b in 0..<batch.count {
        let row = Int(batch.rows[b])
        let occasion = Int(occasions[row])
        guard occasion >= 0 && occasion < k else { continue }
        let cls = conversions[row] > 0.5 ? 0 : 1
        for group in [occasion, k] {  // its occasion, and every occasion pooled (the fallback)
          var entry = totals[group][days[row]]
            ?? [Totals](repeating: Totals(sum: [Double](repeating: 0, count: dim), count: 0), count: 2)
          for j in 0..<dim { entry[cls].sum[j] += Double(g.data[b * dim + j]) }
          entry[cls].count += 1
          totals[group][days[row]] = entry
        }
      }
    }
    if dim == 0 { dim = layer == .representation ? base.representationDim : base.config.outputWidths[0] }
    if let center, center.count != dim { throw ModelError.config("the centre has \(center.count) values, the layer \(dim)") }
    var values = [Float](repeating: 0, count: k * 2 * episodes * dim)
    let pooledCounts = totals[k].mapValues { (positives: $0[0].count, negatives: $0[1].count) }
    for occasion in 0..<k {
      let counts = totals[occasion].mapValues { (positives: $0[0].count, negatives: $0[1].count) }
      for t in 0..<episodes {
        let queryDay = firstDay + Int32(t)
        // An occasion never seen with both classes before the query day (a first
        // promotion) falls back to every occasion's rows of the window: still only earlier days.
        var group = occasion
        var support = supportDays(queryDay: queryDay, window: window, classCounts: counts)
        if support == nil {
          group = k
          support = supportDays(queryDay: queryDay, window: window, classCounts: pooledCounts)
        }
        guard let support else {
          throw ModelError.config(
            "no day before day \(queryDay) holds both a clicked purchase and another click (occasion \(names[occasion])): no episodic prototypes for that day")
        }
        for cls in 0..<2 {
          var sum = [Double](repeating: 0, count: dim), n = 0
          for day in support {
            let entry = totals[group][day]![cls]
            for j in 0..<dim { sum[j] += entry.sum[j] }
            n += entry.count
          }
          var mean = sum.map { $0 / Double(n) }
          if let center { for j in 0..<dim { mean[j] -= Double(center[j]) } }
          let start = ((occasion * 2 + cls) * episodes + t) * dim
          Prototypes.normalize(mean, into: &values[start..<(start + dim)])
        }
      }
    }
    return Prototypes(occasions: k, dim: dim, episodes: episodes, values: values)
  }
}
