// The MNAR ratings simulator through its files and back through both readers:
// the same cells, ratings and propensities; the MNAR pattern and the MCAR test.
import CVRRatings
import CVRSimulation
import CVRTestSupport
import Foundation
import Testing

@Suite struct SimulatorRoundTripTests {
  @Test func bothFormatsReadBackTheWorld() throws {
    let world = MNARRatingsWorld(seed: 11)
    let files = try world.write(to: scratchDirectory())
    let long = try RatingsFiles(format: .long, train: files.trainLong, test: files.testLong).load()
    let matrix = try RatingsFiles(format: .matrix, train: files.trainMatrix, test: files.testMatrix,
                                  userFeatures: files.userFactors, itemFeatures: files.itemFactors).load()
    #expect(long.train.count == world.train.count)
    #expect(matrix.train.count == world.train.count)
    #expect(matrix.test?.count == world.test.count)
    #expect(matrix.users.count == 300 && matrix.items.count == 200)
    #expect(matrix.userFeatures?.width == 4 && matrix.itemFeatures?.rows == 200)
    // Matrix rows come in world order (row-major); ids are the 1-based positions.
    for (r, c) in world.train.enumerated() {
      #expect(Int(matrix.train.users[r]) == c.user && Int(matrix.train.items[r]) == c.item)
      #expect(Int(matrix.train.ratings[r]) == world.rating(user: c.user, item: c.item))
      // Long ids map back to the same cell and carry the true propensity (6 decimals).
      let u = Int(long.users.ids[Int(long.train.users[r])])! - 1, i = Int(long.items.ids[Int(long.train.items[r])])! - 1
      #expect(u == c.user && i == c.item)
      #expect(abs(Double(long.train.propensities![r]) - world.propensity(user: u, item: i)) < 1e-6)
    }
    for (r, c) in world.test.enumerated() {
      let u = Int(long.users.ids[Int(long.test!.users[r])])! - 1, i = Int(long.items.ids[Int(long.test!.items[r])])! - 1
      #expect(u == c.user && i == c.item && Int(long.test!.ratings[r]) == world.rating(user: u, item: i))
    }
    let propensities = try MatrixRatingsReader.readFeatures(files.propensityMatrix, rows: 300)
    #expect(propensities.width == 200)
    #expect(abs(Double(propensities.values[7]) - world.propensities[7]) < 1e-6)
  }

  @Test func trainIsMissingNotAtRandomAndTestIsRandom() {
    let world = MNARRatingsWorld(seed: 3)
    func shares(_ cells: [(user: Int, item: Int)]) -> [Double] {
      var n = [Double](repeating: 0, count: 5)
      for c in cells { n[world.rating(user: c.user, item: c.item) - 1] += 1 }
      return n.map { $0 / Double(cells.count) }
    }
    let all = shares((0..<300).flatMap { u in (0..<200).map { (u, $0) } })
    let test = shares(world.test), train = shares(world.train)
    // The whole matrix follows ratingShares; the MCAR test is close to it.
    for r in 0..<5 {
      #expect(abs(all[r] - world.config.ratingShares[r]) < 0.01)
      #expect(abs(test[r] - all[r]) < 0.03)
    }
    // Training over-represents high ratings (≈ 2.4× the 5s, ≈ 0.65× the 1s with the defaults).
    #expect(train[4] > 1.8 * all[4] && train[0] < 0.8 * all[0])
    // …and more so on selective items: the 5s' share on the most selective third vs the least.
    let bySelectivity = (0..<200).sorted { world.itemSelectivity[$0] < world.itemSelectivity[$1] }
    let low = Set(bySelectivity.prefix(66)), high = Set(bySelectivity.suffix(66))
    #expect(shares(world.train.filter { high.contains($0.item) })[4] > 1.5 * shares(world.train.filter { low.contains($0.item) })[4])
    #expect(world.test.count == 3000)
    #expect(world.train.count > 6000 && world.train.count < 9000)
    // No test cell is in the training split.
    let trainCells = Set(world.train.map { $0.user * 200 + $0.item })
    #expect(world.test.allSatisfy { !trainCells.contains($0.user * 200 + $0.item) })
  }

  @Test func sameSeedSameBytes() throws {
    let a = try MNARRatingsWorld(seed: 5).write(to: scratchDirectory())
    let b = try MNARRatingsWorld(seed: 5).write(to: scratchDirectory())
    #expect(try Data(contentsOf: a.trainLong) == Data(contentsOf: b.trainLong))
    #expect(try Data(contentsOf: a.testMatrix) == Data(contentsOf: b.testMatrix))
    let c = try MNARRatingsWorld(seed: 6).write(to: scratchDirectory())
    #expect(try Data(contentsOf: a.trainLong) != Data(contentsOf: c.trainLong))
  }
}
