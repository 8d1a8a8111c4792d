// Global-norm clipping over dense and sparse gradients, and the learning-rate
// schedules, against values worked out by hand.
import CVRAutograd
import CVROptim
import Testing

@Suite struct ClippingTests {
  /// A dense [2] gradient (3, 0) and a sparse table with row 1 = (0, 4), row 3
  /// touched twice: (0, 0) + (0, 12) — total norm √(9 + 16 + 144) = 13.
  func makeGradients() -> (Parameter, Parameter) {
    let dense = Parameter("w", shape: Shape(2))
    dense.grad[0] = 3
    let table = Parameter("table", shape: Shape(5, 2), gradientLayout: .sparseRows)
    table.sparseGrad!.accumulator(forRow: 1)[1] = 4
    _ = table.sparseGrad!.accumulator(forRow: 3)
    table.sparseGrad!.accumulator(forRow: 3)[1] += 12
    return (dense, table)
  }

  @Test func clipsDenseAndSparseTogether() {
    let (dense, table) = makeGradients()
    let optimizer = SGD([dense, table], learningRate: 0.1)
    let norm = optimizer.clipGradientNorm(maxNorm: 6.5)
    #expect(norm == 13)
    let scale: Float = 6.5 / (13 + 1e-6)
    #expect(abs(dense.grad[0] - 3 * scale) < 1e-6)
    #expect(dense.grad[1] == 0)
    #expect(abs(table.sparseGrad!.values(forRow: 1)![1] - 4 * scale) < 1e-6)
    #expect(abs(table.sparseGrad!.values(forRow: 3)![1] - 12 * scale) < 1e-6)
    #expect(table.sparseGrad!.count == 2)
    // After clipping the norm is maxNorm (to float rounding).
    #expect(abs(optimizer.clipGradientNorm(maxNorm: 100) - 6.5) < 1e-5)
  }

  @Test func leavesGradientsBelowTheThreshold() {
    let (dense, table) = makeGradients()
    #expect(clipGradientNorm([dense, table], maxNorm: 13.5) == 13)
    #expect(dense.grad[0] == 3)
    #expect(table.sparseGrad!.values(forRow: 3)![1] == 12)
  }

  @Test func nonFiniteNormLeavesGradientsAlone() {
    let (dense, table) = makeGradients()
    dense.grad[1] = .infinity
    #expect(clipGradientNorm([dense, table], maxNorm: 1) == .infinity)
    #expect(dense.grad[0] == 3)
    #expect(table.sparseGrad!.values(forRow: 3)![1] == 12)
  }

  @Test func ignoresFrozenGroupsAndFrozenParameters() {
    let (dense, table) = makeGradients()
    let other = Parameter("frozen", shape: Shape(1))
    other.grad[0] = 100
    other.requiresGrad = false
    let optimizer = SGD([ParameterGroup("tables", [table]), ParameterGroup("towers", [dense], isFrozen: true),
                         ParameterGroup("other", [other])], learningRate: 0.1)
    let norm = optimizer.clipGradientNorm(maxNorm: 1)
    #expect(abs(norm - Float((16.0 + 144.0).squareRoot())) < 1e-5)
    #expect(dense.grad[0] == 3)
    #expect(other.grad[0] == 100)
    #expect(table.sparseGrad!.values(forRow: 3)![1] < 1)
  }
}

@Suite struct ScheduleTests {
  @Test func constantIsOne() {
    for t in [0, 1, 10_000] { #expect(LearningRateSchedule.constant.factor(atStep: t) == 1) }
  }

  @Test func linearWarmup() {
    let s = LearningRateSchedule.linearWarmup(startFactor: 0.1, steps: 4)
    let expected: [Float] = [0.1, 0.325, 0.55, 0.775, 1, 1, 1]
    for (t, e) in expected.enumerated() { #expect(abs(s.factor(atStep: t) - e) < 1e-6, "step \(t)") }
  }

  @Test func exponentialDecayStaircaseAsMetaCVR() {
    let s = LearningRateSchedule.exponentialDecay(rate: 0.94, decaySteps: 10_000, staircase: true)
    #expect(s.factor(atStep: 0) == 1)
    #expect(s.factor(atStep: 9_999) == 1)
    #expect(abs(s.factor(atStep: 10_000) - 0.94) < 1e-7)
    #expect(abs(s.factor(atStep: 25_000) - 0.94 * 0.94) < 1e-7)
  }

  @Test func exponentialDecaySmooth() {
    let s = LearningRateSchedule.exponentialDecay(rate: 0.5, decaySteps: 4, staircase: false)
    #expect(abs(s.factor(atStep: 2) - Float(0.5.squareRoot())) < 1e-7)
    #expect(abs(s.factor(atStep: 4) - 0.5) < 1e-7)
    #expect(abs(s.factor(atStep: 6) - Float(0.125.squareRoot())) < 1e-7)
  }

  @Test func productOfWarmupAndDecay() {
    let s = LearningRateSchedule.product(.linearWarmup(startFactor: 0.5, steps: 2),
                                         .exponentialDecay(rate: 0.5, decaySteps: 1, staircase: true))
    #expect(s.factor(atStep: 0) == 0.5)
    #expect(s.factor(atStep: 1) == 0.75 * 0.5)
    #expect(s.factor(atStep: 3) == 0.125)
  }

  @Test func optimizerConsultsItsScheduleWithTheStepIndex() {
    // Plain SGD with gradient 1: each step moves p by exactly the scheduled rate.
    let p = Parameter("p", shape: Shape(1))
    let sgd = SGD([p], learningRate: 1, schedule: .linearWarmup(startFactor: 0.25, steps: 2))
    var moves: [Float] = []
    for _ in 0..<3 {
      #expect(sgd.currentLearningRate == sgd.schedule.factor(atStep: sgd.stepCount))
      let before = p.value[0]
      p.grad[0] = 1
      sgd.step()
      moves.append(before - p.value[0])
    }
    #expect(moves == [0.25, 0.625, 1])
  }
}
