// PEPNet's Gate NU: its output lies in [0, γ], the gated input receives no
// gradient from it while the prior and its own weights do (finite differences),
// and the MLP's per-hidden-layer hook is where such a gate goes.
import CVRAutograd
import CVRCore
import CVRLayers
import CVRTestSupport
import Testing

@Suite struct GateNUTests {
  @Test func outputLiesInZeroToGamma() {
    var rng = SeededGenerator(seed: 1)
    let gate = GateNU(inputDim: 4, hiddenDim: 6, outputDim: 5, name: "gate", rng: &rng)
    let tape = Tape(recording: false)
    for scale in [0.01, 1, 100, 1e6] as [Float] {
      let x = randomParameter("x", Shape(8, 4), seed: 2, in: -scale, scale)
      let delta = gate(tape.param(x), tape)
      #expect(delta.shape == Shape(8, 5))
      #expect(delta.toArray().allSatisfy { $0 >= 0 && $0 <= 2 }, "scale \(scale): \(delta.toArray())")
    }
    // Large inputs saturate some gates: both ends of (0, 2) are reached.
    let far = randomParameter("x", Shape(64, 4), seed: 3, in: -1e4, 1e4)
    let values = gate(tape.param(far), tape).toArray()
    #expect(values.contains { $0 < 0.1 } && values.contains { $0 > 1.9 })
  }

  @Test func theGatedInputGetsNoGradientThePriorDoes() {
    var rng = SeededGenerator(seed: 4)
    let gate = GateNU(inputDim: 2 + 3, hiddenDim: 4, outputDim: 3, name: "gate", rng: &rng)
    let x = randomParameter("x", Shape(5, 3), seed: 5), prior = randomParameter("prior", Shape(5, 2), seed: 6)
    let tape = Tape()
    tape.backward(tape.sum(gate(tape.param(x), prior: tape.param(prior), tape)))
    #expect(x.grad.allSatisfy { $0 == 0 }, "the gate's input must be stop-gradient")
    #expect(prior.grad.contains { $0 != 0 })
    #expect(gate.parameters.allSatisfy { $0.grad.contains { $0 != 0 } })
    // δ ⊗ x: x's gradient is δ alone (the gate's own path is cut).
    x.zeroGrad()
    let t2 = Tape()
    let delta = gate(t2.param(x), prior: t2.param(prior), t2)
    t2.backward(t2.sum(t2.mul(delta, t2.param(x))))
    #expect(x.grad.elementsEqual(delta.toArray()))
  }

  @Test func gradientsMatchFiniteDifferences() {
    var rng = SeededGenerator(seed: 7)
    let gate = GateNU(inputDim: 2 + 3, hiddenDim: 4, outputDim: 3, gamma: 2, name: "gate", rng: &rng)
    let x = randomParameter("x", Shape(5, 3), seed: 8), prior = randomParameter("prior", Shape(5, 2), seed: 9)
    let result = checkGradients([prior] + gate.parameters) { tape in
      tape.mul(gate(tape.param(x), prior: tape.param(prior), tape), tape.param(x))
    }
    #expect(result.passed, "\(result)")
  }

  @Test func mlpHookScalesEveryHiddenLayer() {
    var rng = SeededGenerator(seed: 10)
    let mlp = MLP(.init(widths: [3, 4, 5, 1]), rng: &rng)
    let x = randomParameter("x", Shape(2, 3), seed: 11)
    let tape = Tape()
    var seen: [Int] = []
    let identity = mlp(tape.param(x), tape, afterHidden: { l, h in seen.append(l); return h })
    #expect(seen == [0, 1])
    #expect(identity.toArray() == mlp(tape.param(x), tape).toArray())
    let halved = mlp(tape.param(x), tape, afterHidden: { l, h in l == 0 ? tape.scale(h, by: 0) : h })
    // With the first hidden layer zeroed the output is the bias path alone, the same for every row.
    #expect(halved.toArray()[0] == halved.toArray()[1])
    let result = checkGradients([x] + mlp.parameters) { tape in
      mlp(tape.param(x), tape, afterHidden: { _, h in tape.mul(h, h) })
    }
    #expect(result.passed, "\(result)")
  }
}
