// Parameter groups (frozen, lr scale), skipped parameters, L2 vs decoupled
// weight decay on a zero gradient, and the names and coverage of state tensors.
import CVRAutograd
import CVROptim
import Testing

/// A dense parameter with `values`, its gradient set to `gradient`.
func parameter(_ name: String, _ values: [Float], gradient: [Float]) -> Parameter {
  let p = Parameter(name, shape: Shape(values.count), values: values)
  for i in 0..<gradient.count { p.grad[i] = gradient[i] }
  return p
}

/// Every optimizer kind, over `groups`.
func allOptimizers(_ groups: [ParameterGroup]) -> [any Optimizer] {
  [SGD(groups, learningRate: 0.1, momentum: 0.9), Adagrad(groups, learningRate: 0.1, initialAccumulatorValue: 0.1),
   Adam(groups, learningRate: 0.1, weightDecay: 0.1), AdamW(groups, learningRate: 0.1)]
}

@Suite struct GroupTests {
  @Test func frozenGroupIsUntouched() {
    for index in 0..<4 {
      let trained = parameter("trained", [1, -2, 3], gradient: [0.5, 0.5, -0.5])
      let frozen = parameter("frozen", [1, -2, 3], gradient: [0.5, 0.5, -0.5])
      let optimizer = allOptimizers([ParameterGroup("a", [trained]), ParameterGroup("b", [frozen], isFrozen: true)])[index]
      optimizer.step()
      optimizer.step()
      #expect(frozen.values() == [1, -2, 3], "\(type(of: optimizer))")
      #expect(Array(frozen.grad) == [0.5, 0.5, -0.5])
      #expect(trained.values() != [1, -2, 3])
      // Its state exists (stable checkpoint layout) but never moved from the initial value.
      let frozenState = optimizer.stateTensors().filter { $0.name.hasSuffix("/frozen") }
      #expect(!frozenState.isEmpty)
      let initial: Float = optimizer is Adagrad ? 0.1 : 0
      #expect(frozenState.allSatisfy { $0.buffer.allSatisfy { $0 == initial } })
    }
  }

  @Test func learningRateScalePerGroup() {
    let a = parameter("a", [0, 0], gradient: [1, -2])
    let b = parameter("b", [0, 0], gradient: [1, -2])
    let sgd = SGD([ParameterGroup("a", [a]), ParameterGroup("b", [b], learningRateScale: 0.25)], learningRate: 0.5)
    sgd.step()
    #expect(a.values() == [-0.5, 1])
    #expect(b.values() == [-0.125, 0.25])
    // Adagrad's first step moves every element by lr·g/|g| (s = g²): the scale shows directly.
    let c = parameter("c", [0], gradient: [3])
    let d = parameter("d", [0], gradient: [3])
    let adagrad = Adagrad([ParameterGroup("c", [c]), ParameterGroup("d", [d], learningRateScale: 0.1)], learningRate: 1)
    adagrad.step()
    #expect(abs(c.values()[0] + 1) < 1e-6)
    #expect(abs(d.values()[0] + 0.1) < 1e-6)
  }

  @Test func skipsStateAndNonTrainableParameters() {
    let running = Parameter("running", shape: Shape(2), isState: true)
    let fixed = parameter("fixed", [1, 1], gradient: [1, 1])
    fixed.requiresGrad = false
    let live = parameter("live", [1, 1], gradient: [1, 1])
    let adam = Adam([running, fixed, live], learningRate: 0.1)
    adam.step()
    #expect(running.values() == [0, 0])
    #expect(fixed.values() == [1, 1])
    #expect(live.values() != [1, 1])
    #expect(adam.stateTensors().map(\.name) == ["adam.m/live", "adam.v/live"])
  }

  @Test func parameterWithoutGradientIsNotStepped() {
    let untouched = Parameter("untouched", shape: Shape(2), values: [1, 2])
    let adamW = AdamW([untouched], learningRate: 0.1, weightDecay: 0.5)
    adamW.step()
    #expect(untouched.values() == [1, 2])
    #expect(adamW.stepCount == 1)
  }
}

@Suite struct WeightDecayTests {
  @Test func coupledAndDecoupledDifferOnAZeroGradient() {
    let (lr, decay): (Float, Float) = (0.1, 0.5)
    let coupled = parameter("p", [2, -4], gradient: [0, 0])
    let decoupled = parameter("p", [2, -4], gradient: [0, 0])
    Adam([coupled], learningRate: lr, weightDecay: decay).step()
    AdamW([decoupled], learningRate: lr, weightDecay: decay).step()
    // Decoupled: the moments stay 0, so only the shrink p·(1 − lr·λ) acts.
    #expect(decoupled.values() == [2 * (1 - lr * decay), -4 * (1 - lr * decay)])
    // Coupled: the gradient becomes λ·p and Adam's first step moves by lr·sign(λ·p).
    #expect(abs(coupled.values()[0] - (2 - lr)) < 1e-5)
    #expect(abs(coupled.values()[1] - (-4 + lr)) < 1e-5)
  }

  @Test func sgdL2ShrinksLikeDecoupledDecay() {
    let p = parameter("p", [2, -4], gradient: [0, 0])
    let (lr, decay): (Float, Float) = (0.1, 0.5)
    SGD([p], learningRate: lr, weightDecay: decay).step()
    let expected: [Float] = [2 - lr * (decay * 2), -4 - lr * (decay * -4)]
    #expect(p.values() == expected)
  }

  @Test func groupDecayOverridesTheOptimizers() {
    let a = parameter("a", [2], gradient: [0])
    let b = parameter("b", [2], gradient: [0])
    AdamW([ParameterGroup("a", [a]), ParameterGroup("b", [b], weightDecay: 0)], learningRate: 0.1,
          weightDecay: 0.5).step()
    #expect(a.values() == [2 * (1 - 0.05)])
    #expect(b.values() == [2])
  }

  @Test func sparseDecayTouchesOnlyTouchedRows() {
    let table = Parameter("t", shape: Shape(3, 2), gradientLayout: .sparseRows)
    table.fill { 1 }
    _ = table.sparseGrad!.accumulator(forRow: 1)
    AdamW([table], learningRate: 0.1, weightDecay: 0.5).step()
    #expect(table.values() == [1, 1, 0.95, 0.95, 1, 1])
  }
}

@Suite struct StateTensorTests {
  @Test func namesCoverEveryMomentInStableOrder() {
    let w = parameter("tower.w", [1, 2], gradient: [1, 1])
    let table = Parameter("item.table", shape: Shape(4, 3), gradientLayout: .sparseRows)
    let groups = [ParameterGroup("tables", [table]), ParameterGroup("towers", [w], isFrozen: true)]
    let expected: [(any Optimizer, [String])] = [
      (SGD(groups, learningRate: 0.1, momentum: 0.9), ["sgd.momentum/item.table", "sgd.momentum/tower.w"]),
      (SGD(groups, learningRate: 0.1), []),
      (Adagrad(groups), ["adagrad.sum/item.table", "adagrad.sum/tower.w"]),
      (Adam(groups), ["adam.m/item.table", "adam.v/item.table", "adam.m/tower.w", "adam.v/tower.w"]),
      (AdamW(groups), ["adam.m/item.table", "adam.v/item.table", "adam.m/tower.w", "adam.v/tower.w"]),
    ]
    for (optimizer, names) in expected {
      let first = optimizer.stateTensors()
      #expect(first.map(\.name) == names)
      #expect(first.map(\.shape) == names.map { $0.hasSuffix("table") ? Shape(4, 3) : Shape(2) })
      table.sparseGrad!.accumulator(forRow: 2)[0] = 1
      optimizer.step()
      let second = optimizer.stateTensors()
      #expect(second.map(\.name) == names)
      // The same buffers: a checkpoint loaded into them is what the next step reads.
      #expect(zip(first, second).allSatisfy { $0.buffer.baseAddress == $1.buffer.baseAddress })
      table.zeroGrad()
    }
  }

  @Test func stepReadsStateWrittenThroughStateTensors() {
    // Loading an accumulator of 9 in place: Adagrad's step is then lr·g/√(9 + g²).
    let p = parameter("p", [0], gradient: [4])
    let adagrad = Adagrad([p], learningRate: 1)
    adagrad.stateTensors()[0].buffer[0] = 9
    adagrad.step()
    #expect(abs(p.values()[0] + 4 / 5) < 1e-6)
    #expect(adagrad.stateTensors()[0].buffer[0] == 25)
  }
}
