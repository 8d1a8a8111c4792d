// The trainer's seams: an injected optimizer (Adam as EGEAN trains, Adagrad as
// MetaCVR does) and the gradient hook between backward and the step, where a
// data-parallel all-reduce goes.
import CVRAutograd
import CVRData
import CVRModels
import CVROptim
import CVRTraining
import Testing

@Suite struct TrainerInjectionTests {
  let fixture = TrainingFixture.shared

  /// ScriptedModel's loss is w (gradient 1), one step per epoch, no validation.
  func config(epochs: Int, learningRate: Double) -> TrainingConfig {
    var config = TrainingConfig()
    (config.batchSize, config.maxEpochs, config.learningRate) = (8, epochs, learningRate)
    config.initialAccumulatorValue = 0.1
    return config
  }

  @Test func adagradAndAdamTakeTheirOwnSteps() throws {
    let rows = Array(fixture.train(.train).prefix(8))
    let adagrad = ScriptedModel(target: 0)
    _ = try Trainer(name: "adagrad").fit(
      model: adagrad, assembler: fixture.assembler, trainRows: rows, validRows: [],
      config: config(epochs: 4, learningRate: 0.3))
    // Adagrad with g = 1: w_e = w_{e−1} − lr / √(0.1 + e).
    var expected: Float = 0
    for e in 1...4 { expected -= 0.3 / (0.1 + Float(e)).squareRoot() }
    #expect(abs(adagrad.w.value[0] - expected) < 1e-6)

    let adam = ScriptedModel(target: 0)
    _ = try Trainer(name: "adam", makeOptimizer: Trainer.adam()).fit(
      model: adam, assembler: fixture.assembler, trainRows: rows, validRows: [],
      config: config(epochs: 4, learningRate: 0.3))
    // Adam with a constant g = 1: m̂ = v̂ = 1 every step, so each step moves lr / (1 + ε).
    let adamExpected: Float = -4 * 0.3 / (1 + 1e-8)
    #expect(abs(adam.w.value[0] - adamExpected) < 1e-6)
  }

  @Test func halvedGradientsEqualAHalvedLearningRate() throws {
    let rows = Array(fixture.train(.train).prefix(300))
    func run(learningRate: Double, hook: GradientHook?) throws -> [[Float]] {
      let model = try LogisticRegressionModel(plan: fixture.plan, seed: 9)
      var config = config(epochs: 2, learningRate: learningRate)
      config.batchSize = 64
      config.clipNorm = 1e30  // never binding: clipping would see the halved norm
      let trainer = Trainer(name: "LR", makeOptimizer: { parameters, config in
        SGD(parameters, learningRate: Float(config.learningRate))
      }, gradientHook: hook)
      _ = try trainer.fit(model: model, assembler: fixture.assembler, trainRows: rows, validRows: [], config: config)
      return model.parameters.map { $0.values() }
    }
    var hookCalls = 0
    let halved = try run(learningRate: 0.2) { parameters in
      hookCalls += 1
      for p in parameters {
        if let sparse = p.sparseGrad { sparse.scale(by: 0.5) } else { for i in p.grad.indices { p.grad[i] *= 0.5 } }
      }
    }
    let slower = try run(learningRate: 0.1, hook: nil)
    let untouched = try run(learningRate: 0.2, hook: nil)
    #expect(hookCalls == 2 * 5, "one call per step: 300 rows in batches of 64, 2 epochs")
    #expect(halved == slower)
    #expect(halved != untouched, "the hook must reach the update")
  }

  @Test func aThrowingHookStopsTraining() {
    struct Stop: Error {}
    let trainer = Trainer(name: "LR", gradientHook: { _ in throw Stop() })
    #expect(throws: Stop.self) {
      _ = try trainer.fit(model: try LogisticRegressionModel(plan: fixture.plan, seed: 1), assembler: fixture.assembler,
                          trainRows: Array(fixture.train(.train).prefix(16)), validRows: [],
                          config: config(epochs: 1, learningRate: 0.1))
    }
  }
}
