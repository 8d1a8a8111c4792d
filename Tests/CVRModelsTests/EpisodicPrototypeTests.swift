// Episodic prototypes (issue 15, beyond the paper): the support window of a
// query day holds only earlier days, the prototypes of day t do not change when
// every row from day t on is removed (no look-ahead), and MetaCVR scores a
// sample with the episode of its own day.
import CVRAutograd
import CVRCore
import CVRData
import CVRModels
import CVRTestSupport
import Testing

@Suite struct EpisodicPrototypeTests {
  /// Days 1: (1+, 0−), 2: (0+, 3−), 4: (2+, 2−), 5: (0+, 1−), 7: (1+, 1−).
  let counts: [Int32: (positives: Int, negatives: Int)] = [1: (1, 0), 2: (0, 3), 4: (2, 2), 5: (0, 1), 7: (1, 1)]

  @Test func supportDaysAreTheLatestEarlierDaysExtendedUntilBothClasses() {
    #expect(EpisodicPrototypes.supportDays(queryDay: 6, window: 2, classCounts: counts) == [5, 4])
    #expect(EpisodicPrototypes.supportDays(queryDay: 6, window: 1, classCounts: counts) == [5, 4])  // day 5 has no purchase
    #expect(EpisodicPrototypes.supportDays(queryDay: 3, window: 1, classCounts: counts) == [2, 1])
    #expect(EpisodicPrototypes.supportDays(queryDay: 8, window: 1, classCounts: counts) == [7])
    #expect(EpisodicPrototypes.supportDays(queryDay: 2, window: 3, classCounts: counts) == nil)  // day 1 alone: no negative
    for query in Int32(0)...9 {
      let days = EpisodicPrototypes.supportDays(queryDay: query, window: 2, classCounts: counts) ?? []
      #expect(days.allSatisfy { $0 < query }, "query day \(query) reads \(days)")
    }
  }

  private func episodic(_ rows: [Int32], base: BaseCVRModel, firstDay: Int32, episodes: Int) throws -> Prototypes {
    let fixture = ModelFixture.shared
    return try EpisodicPrototypes.compute(base: base, assembler: fixture.assembler, rows: rows, firstDay: firstDay,
                                          episodes: episodes, window: 2, layer: .representation, center: nil,
                                          batchSize: 64)
  }

  /// Removing every row of day ≥ t leaves the prototypes of every query day ≤ t unchanged.
  @Test func prototypesOfADayIgnoreThatDayAndLaterRows() throws {
    let fixture = ModelFixture.shared
    let base = try tinyBase()
    let days = fixture.store.days!
    let rows = fixture.splits.rows(.train, space: .click)
    let recent = fixture.splits.recent
    let episodes = Int(recent.upper - recent.lower) + 2
    let full = try episodic(rows, base: base, firstDay: recent.lower, episodes: episodes)
    var compared = 0
    for t in 1..<episodes {
      let cut = recent.lower + Int32(t)
      let truncated = try episodic(rows.filter { days[Int($0)] < cut }, base: base, firstDay: recent.lower, episodes: t + 1)
      for k in 0..<full.occasions {
        for cls in Prototypes.Class.allCases {
          for e in 0...t {
            #expect(full.prototype(occasion: k, cls, episode: e) == truncated.prototype(occasion: k, cls, episode: e))
            compared += 1
          }
        }
      }
    }
    #expect(compared > 0)
    // And the episodes differ: the window moves.
    let first = full.prototype(occasion: 0, .positive, episode: 0), last = full.prototype(occasion: 0, .positive)
    #expect(first != last || full.prototype(occasion: 0, .negative, episode: 0) != full.prototype(occasion: 0, .negative))
  }

  /// A sample on day d scores as a one-set model holding episode(d)'s prototypes.
  @Test func aSampleIsScoredWithItsOwnDaysEpisode() throws {
    let fixture = ModelFixture.shared
    let plan = try FeaturePlan(schema: fixture.schema)
    let recent = fixture.splits.recent
    let episodes = Int(recent.upper - recent.lower) + 2
    let base = try tinyBase()
    let prototypes = try episodic(fixture.splits.rows(.train, space: .click), base: base, firstDay: recent.lower,
                                  episodes: episodes)
    var config = tinyMetaConfig(.spdm)
    config.initialOccasionWeight = 0.5
    config.episodicWindow = 2
    config.episodes = episodes
    config.episodeFirstDay = Int(recent.lower)
    let model = try MetaCVRModel(base: base, prototypes: prototypes, config: config, seed: 3)
    var single = config
    (single.episodicWindow, single.episodes) = (0, 1)
    let rows = fixture.splits.rows(.recent, space: .click) + fixture.splits.rows(.valid, space: .click).prefix(20)
    let days = fixture.store.days!
    var checked = Set<Int>()
    for row in rows {
      let e = model.episode(day: days[Int(row)])
      let values = (0..<plan.occasions.count).flatMap { k in
        Prototypes.Class.allCases.flatMap { Array(prototypes.prototype(occasion: k, $0, episode: e)) }
      }
      let one = try MetaCVRModel(base: try tinyBase(), prototypes: Prototypes(occasions: plan.occasions.count,
                                                                               dim: prototypes.dim, values: values),
                                 config: single, seed: 3)
      let batch = fixture.batch([row])
      let (a, b) = (predictions(model, batch)[0], predictions(one, batch)[0])
      #expect(abs(a - b) < 1e-6, "row \(row), episode \(e): \(a) vs \(b)")
      checked.insert(e)
      if checked.count >= 4 && checked.contains(episodes - 1) { break }
    }
    #expect(checked.contains(episodes - 1), "no D_v row reached the last episode")
    #expect(checked.count > 1)
  }

  /// Every metric with T = 3 episodes: finite differences, and each sample's d equals d against its episode alone.
  @Test(arguments: DistanceMetric.allCases)
  func episodicDistancesSelectTheSamplesEpisode(metric: DistanceMetric) {
    let (n, k, d, t) = (4, 2, 5, 3)
    var rng = SeededGenerator(seed: 21)
    let dmn = DistanceMetricNetwork(metric: metric, occasions: k, dim: d, hidden: 3, rng: &rng)
    for p in dmn.parameters { p.fill { rng.nextFloat(in: -1, 1) } }
    let f = randomParameter("F", Shape(n, d), seed: 22)
    let prototypes = (0..<(k * 2 * t * d)).map { _ in rng.nextFloat(in: -1, 1) }
    let episodeOf = [2, 0, 1, 2]
    var onehot = [Float](repeating: 0, count: n * t)
    for i in 0..<n { onehot[i * t + episodeOf[i]] = 1 }
    let result = checkGradients([f] + dmn.parameters, epsilon: 1e-3, kinkTolerance: 0.01) { tape in
      dmn(tape.param(f), prototypes: tape.constant(prototypes, Shape(k, 2, t, d)),
          episode: tape.constant(onehot, Shape(n, t)), tape)
    }
    #expect(result.passed, "\(result)")
    let tape = Tape(recording: false)
    let all = dmn.distances(tape.param(f), prototypes: tape.constant(prototypes, Shape(k, 2, t, d)),
                            episode: tape.constant(onehot, Shape(n, t)), tape).toArray()
    for i in 0..<n {
      var one: [Float] = []
      for kc in 0..<(2 * k) { one += prototypes[((kc * t + episodeOf[i]) * d)..<((kc * t + episodeOf[i]) * d + d)] }
      let row = Array(f.values()[(i * d)..<(i * d + d)])
      let alone = dmn.distances(tape.constant(row, Shape(1, d)), prototypes: tape.constant(one, Shape(k, 2, d)), tape)
        .toArray()
      for j in 0..<(2 * k) { #expect(abs(all[i * 2 * k + j] - alone[j]) < 1e-5) }
    }
  }
}
