// Prototypes (MetaCVR Eq. 3): the L2-normalised mean of F(x) over each support
// set, against a hand computation; missing occasions are named; Fig. 2's matrix.
import CVRAutograd
import CVRData
import CVRModels
import Testing

@Suite struct PrototypeTests {
  @Test func prototypesAreTheNormalisedMeanRepresentation() throws {
    let fixture = ModelFixture.shared
    let base = try tinyBase()
    let k = base.plan.occasions.count
    #expect(k == 4)
    let sets = Array(fixtureSupportSets().reversed())  // any order
    #expect(sets.allSatisfy { !$0.positives.isEmpty && !$0.negatives.isEmpty })
    // batch size 3 so the means span several batches.
    let before = snapshot(base.parameters)
    let prototypes = try Prototypes.compute(base: base, assembler: fixture.assembler, supportSets: sets, batchSize: 3)
    #expect(changedParameters(base.parameters, since: before) == [], "compute must leave the model as it was")
    for set in sets {
      for (cls, rows) in [(Prototypes.Class.positive, set.positives), (.negative, set.negatives)] {
        // Hand computation: all rows in one batch, mean, divide by the norm.
        let tape = Tape(recording: false)
        let f = base.representation(fixture.batch(rows), tape)
        let d = base.representationDim
        var mean = [Double](repeating: 0, count: d)
        for b in 0..<rows.count { for j in 0..<d { mean[j] += Double(f.data[b * d + j]) / Double(rows.count) } }
        let norm = mean.reduce(0) { $0 + $1 * $1 }.squareRoot()
        let got = Array(prototypes.prototype(occasion: set.occasion, cls))
        for j in 0..<d { #expect(abs(Double(got[j]) - mean[j] / norm) < 1e-5) }
      }
    }
  }

  @Test func supportDaysComeFromTheRecentRange() throws {
    let fixture = ModelFixture.shared
    let base = try tinyBase()
    // The tiny world's D_r (days 14–20) has no day with a BP purchase (nor an AP click): an error naming BP.
    do {
      _ = try Prototypes.compute(base: base, assembler: fixture.assembler, splits: fixture.splits, batchSize: 64)
      Issue.record("no error for an occasion without a support day")
    } catch let error as ModelError {
      #expect("\(error)".contains("BP") && "\(error)".contains("recent range"), "\(error)")
    }
    // With D_r = the whole training range every occasion has a day with both classes.
    let wide = try DataSplits(store: fixture.store, train: DayRange(0, 20), recent: DayRange(0, 20), valid: DayRange(21, 27))
    let prototypes = try Prototypes.compute(base: base, assembler: fixture.assembler, splits: wide, batchSize: 64)
    let days = fixture.store.days!
    for k in 0..<prototypes.occasions {
      let set = try #require((0...20).lazy.compactMap { day -> (positives: [Int32], negatives: [Int32])? in
        guard let s = try? wide.supportSet(occasion: Int32(k), day: Int32(day)), !s.negatives.isEmpty else { return nil }
        return s
      }.first)
      #expect(Set(set.positives.map { days[Int($0)] }).count == 1)
      let expected = try Prototypes.compute(base: base, assembler: fixture.assembler,
                                            supportSets: (0..<prototypes.occasions).map { ($0, set.positives, set.negatives) },
                                            batchSize: 64)
      for (a, b) in zip(prototypes.prototype(occasion: k, .positive), expected.prototype(occasion: k, .positive)) {
        #expect(abs(a - b) < 1e-6)
      }
    }
  }

  @Test func aMissingOccasionIsNamed() throws {
    let fixture = ModelFixture.shared
    let base = try tinyBase()
    let set = fixtureSupportSets()[0]
    let names = base.plan.occasions
    do {
      _ = try Prototypes.compute(base: base, assembler: fixture.assembler,
                                 supportSets: [(0, set.positives, set.negatives)], batchSize: 8)
      Issue.record("no error for the missing occasions")
    } catch let error as ModelError {
      #expect("\(error)".contains(names[1]), "\(error)")
    }
    #expect(throws: ModelError.self) {
      try Prototypes.compute(base: base, assembler: fixture.assembler,
                             supportSets: (0..<names.count).map { ($0, set.positives, []) }, batchSize: 8)
    }
  }

  @Test func similarityMatrixIsSymmetricWithUnitDiagonal() throws {
    let fixture = ModelFixture.shared
    let base = try tinyBase()
    let prototypes = try Prototypes.compute(base: base, assembler: fixture.assembler, supportSets: fixtureSupportSets(),
                                            batchSize: 64)
    let matrix = prototypes.cosineSimilarityMatrix()
    #expect(matrix.count == 8 && matrix.allSatisfy { $0.count == 8 })
    for i in 0..<8 {
      #expect(abs(matrix[i][i] - 1) < 1e-5)
      for j in 0..<8 { #expect(abs(matrix[i][j] - matrix[j][i]) < 1e-9) }
    }
    let positives = prototypes.cosineSimilarityMatrix(.positive)
    #expect(positives.count == 4 && abs(positives[1][2] - matrix[2][4]) < 1e-9)
    #expect(Prototypes.labels(occasionNames: ["NP", "BP"]) == ["NP+", "NP−", "BP+", "BP−"])
  }
}
