// Naive MF on the MNAR ratings fixture, through the files and the reader: it
// learns the preferences (test AUC well above chance on the randomised split),
// the floor the debiasing estimators are compared against.
import CVRAutograd
import CVRMetrics
import CVRModels
import CVROptim
import CVRRatings
import CVRSimulation
import CVRTestSupport
import Testing

@Suite struct MatrixFactorizationFixtureTests {
  @Test func naiveMFLearnsTheMNARFixture() throws {
    let files = try MNARRatingsWorld(seed: 11).write(to: scratchDirectory())
    let data = try RatingsFiles(format: .long, train: files.trainLong, test: files.testLong).load()
    let test = try #require(data.test)
    let model = MatrixFactorizationModel(
      userCount: data.users.count, itemCount: data.items.count, config: .init(dim: 8, initStd: 0.1), seed: 1)
    let optimizer = Adam(model.trainableParameters, learningRate: 0.02, weightDecay: 1e-3)
    let labels = data.train.labels()
    let tape = Tape()
    for _ in 0..<200 {
      tape.reset()
      optimizer.zeroGrad()
      tape.backward(model.loss(users: data.train.users, items: data.train.items, labels: labels, tape))
      optimizer.step()
    }
    let inference = Tape(recording: false)
    let z = model.logits(users: test.users, items: test.items, inference)
    let scores = (0..<test.count).map { Double(z.data[$0]) }
    let positives = test.labels().map { $0 > 0.5 }
    let auc = try #require(AUC.compute(scores: scores, labels: positives))
    let ndcg = RankingMetrics.ndcg(users: test.users.map(Int.init), scores: scores, labels: positives)
    #expect(auc > 0.65, "test AUC \(auc)")
    #expect(ndcg.usersEvaluated + ndcg.usersLeftOut == 300)
    withExtendedLifetime(inference) {}
  }
}
