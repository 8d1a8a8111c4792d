// Shared by the checkpoint tests: byte surgery on files,
// a tiny momentum-SGD optimizer, and a small MLP training loop.
import CVRAutograd
import CVRCheckpoint
import CVRCore
import CVRLayers
import CVROptim
import CVRTestSupport
import Foundation
import Testing

/// Rewrites the file at `url` through `edit`.
func editFile(_ url: URL, _ edit: (inout [UInt8]) -> Void) throws {
  var bytes = [UInt8](try Data(contentsOf: url))
  edit(&bytes)
  try Data(bytes).write(to: url)
}

/// The error `body` throws, as a `CheckpointError` (nil when it does not throw).
func checkpointError(_ body: () throws -> Void) -> CheckpointError? {
  do {
    try body()
    return nil
  } catch let error as CheckpointError {
    return error
  } catch {
    Issue.record("expected a CheckpointError, got \(error)")
    return nil
  }
}

/// Bit patterns, so comparisons are exact (and NaN-safe).
func bits(_ values: [Float]) -> [UInt32] { values.map(\.bitPattern) }
func bits(_ parameters: [Parameter]) -> [[UInt32]] { parameters.map { bits($0.values()) } }

/// Momentum SGD (v ← μv + g; p ← p − lr·v) with a learning rate that decays
/// every step: one state buffer per parameter plus one scalar, enough to show
/// that a resumed run needs both. Test-only; the real optimizers live in CVROptim.
final class MomentumSGD: Optimizer, CheckpointScalarState {
  var groups: [ParameterGroup]
  var stepCount = 0
  var learningRate: Float
  let momentum: Float
  let decay: Float
  private var velocity: [UnsafeMutableBufferPointer<Float>] = []

  init(_ parameters: [Parameter], learningRate: Float = 0.05, momentum: Float = 0.9, decay: Float = 0.97) {
    groups = [ParameterGroup("all", parameters.filter(\.requiresGrad))]
    self.learningRate = learningRate
    self.momentum = momentum
    self.decay = decay
  }

  deinit { for v in velocity { v.deallocate() } }

  var checkpointScalars: [String: Double] {
    get { ["learningRate": Double(learningRate)] }
    set { learningRate = Float(newValue["learningRate"] ?? Double(learningRate)) }
  }

  private func makeState() {
    guard velocity.isEmpty else { return }
    velocity = parameters.map { p in
      let v = UnsafeMutableBufferPointer<Float>.allocate(capacity: p.shape.count)
      v.initialize(repeating: 0)
      return v
    }
  }

  func step() {
    makeState()
    for (p, v) in zip(parameters, velocity) where p.hasGrad {
      let g = p.grad
      for i in 0..<v.count {
        v[i] = momentum * v[i] + g[i]
        p.value[i] -= learningRate * v[i]
      }
    }
    learningRate *= decay
    stepCount += 1
  }

  func stateTensors() -> [StateTensor] {
    makeState()
    return zip(parameters, velocity).map { StateTensor(name: "momentum/\($0.name)", shape: $0.shape, buffer: $1) }
  }
}

/// Another optimizer type, for the kind check.
final class PlainSGD: Optimizer {
  var groups: [ParameterGroup]
  var stepCount = 0
  init(_ parameters: [Parameter]) { groups = [ParameterGroup("all", parameters)] }
  func step() { stepCount += 1 }
  func stateTensors() -> [StateTensor] { [] }
}

/// The config the tests save; any Codable type works.
struct TinyConfig: Codable, Equatable {
  var widths = [5, 7, 3]
  var batchNorm = true
  var dropout = 0.25
  var name = "tiny"
}

/// An MLP with batch norm and dropout after its hidden layer, from `config` and `seed`.
func makeModel(_ config: TinyConfig = TinyConfig(), seed: UInt64) -> MLP {
  var rng = SeededGenerator(seed: seed)
  return MLP(.init(widths: config.widths, batchNorm: config.batchNorm, dropout: Float(config.dropout)),
             name: "mlp", rng: &rng)
}

/// The batch for training step `step`: inputs [8, 5], targets [8, 3], fixed by the step index.
func batch(forStep step: Int) -> (x: [Float], y: [Float]) {
  var rng = SeededGenerator(seed: 1000 + UInt64(step))
  return ((0..<40).map { _ in rng.nextNormal() }, (0..<24).map { _ in rng.nextNormal() })
}

/// One squared-error step. The tape's dropout generator is reseeded from the
/// step index, so a resumed run draws the same masks as an uninterrupted one.
func trainStep(_ model: MLP, _ optimizer: MomentumSGD, step: Int, tape: Tape) {
  tape.reset()
  tape.rng = SeededGenerator(seed: UInt64(step))
  let (x, y) = batch(forStep: step)
  let prediction = model(tape.constant(x, Shape(8, 5)), tape)
  tape.backward(tape.squaredError(prediction, tape.constant(y, Shape(8, 3))))
  optimizer.step()
  optimizer.zeroGrad()
}

/// Inference-mode predictions of `model` on a fixed batch.
func predictions(_ model: MLP) -> [Float] {
  let tape = Tape(recording: false)
  return model(tape.constant(batch(forStep: 999).x, Shape(8, 5)), tape).toArray()
}

/// Three small parameters of different ranks (one a sparse-row table, one
/// state), filled from `seed`: the plain model of the error tests.
func plainParameters(seed: UInt64) -> [Parameter] {
  var rng = SeededGenerator(seed: seed)
  let a = Parameter("a", shape: Shape(3, 4))
  let table = Parameter("table", shape: Shape(6, 2), gradientLayout: .sparseRows)
  let state = Parameter("c", shape: Shape(2, 2, 3), isState: true)
  for p in [a, table, state] { p.fill { rng.nextNormal() } }
  return [a, table, state]
}
