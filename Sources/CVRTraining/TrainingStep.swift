// One optimisation step of a model on a batch, the unit the trainer, the
// benchmarks and a distributed runner share: loss, backward, the replicas'
// exchange, the gradient hook, clipping, the optimizer step.
import CVRAutograd
import CVRData
import CVRModels
import CVROptim

/// Runs between `backward` and clipping with the trainable parameters, whose
/// gradients are then complete (in a data-parallel run, already combined over
/// the replicas): any rewrite of the gradients. A thrown error stops training.
public typealias GradientHook = ([Parameter]) throws -> Void

/// One reusable training step: owns the tape, reuses it every call.
///
/// `step(batch)`: tape.reset(); L = model.loss(batch) on a recording training
/// tape; backward; with `replicas`, the exchange; `gradientHook(trainable)`; clip ‖g‖₂ ≤ clipNorm over the
/// optimizer's trainable groups; optimizer.step(); zero the gradients. A warm
/// step allocates nothing outside the tape's arena.
public final class TrainingStep {
  public let model: any CVRModel
  public let optimizer: any Optimizer
  /// The recording, training-mode tape (its rng draws the dropout masks).
  public let tape: Tape
  /// Global-norm clip of the gradients; nil: no clipping.
  public var clipNorm: Float?
  public var gradientHook: GradientHook?
  /// Data-parallel training: the group whose gradients are combined before the hook (nil: one process).
  public var replicas: (any ReplicaGroup)?
  private let trainable: [Parameter]

  public init(model: any CVRModel, optimizer: any Optimizer, seed: UInt64, clipNorm: Float? = nil,
              gradientHook: GradientHook? = nil) {
    self.model = model
    self.optimizer = optimizer
    self.tape = Tape(seed: seed)
    self.clipNorm = clipNorm
    self.gradientHook = gradientHook
    trainable = optimizer.parameters.filter(\.isTrainable)
    optimizer.zeroGrad()
  }

  /// Trains on `batch` once and returns its mean loss (before the update).
  ///
  /// With `replicas`, `batch` is this rank's share of a global batch of
  /// `globalCount` rows (it may be empty): the local gradient and loss are
  /// weighed by n_r / B and summed over the ranks (`ReplicaGroup.combine`), so
  /// every rank clips and steps on the gradient of the global batch's mean
  /// loss, and the returned loss is that mean. A non-finite local loss is not
  /// thrown before the exchange (the other ranks would wait for ever): it makes
  /// the global loss non-finite and every rank throws together.
  ///
  /// - Throws: `TrainingError.nonFiniteLoss` (nothing is updated then) and
  ///   whatever the exchange or the gradient hook throws.
  @discardableResult
  public func step(_ batch: Batch, globalCount: Int? = nil, epoch: Int = 0, index: Int = 0,
                   name: String = "model") throws -> Float {
    tape.reset()
    var value: Float = 0
    if batch.count > 0 || replicas == nil {
      let loss = model.loss(batch, tape)
      value = loss.data[0]
      if value.isFinite { tape.backward(loss) }
    }
    if let replicas {
      let weight = Float(batch.count) / Float(max(globalCount ?? batch.count, 1))
      value = try replicas.combine(trainable, loss: value.isFinite ? value : .nan, weight: weight)
    }
    guard value.isFinite else {
      optimizer.zeroGrad()
      tape.reset()
      throw TrainingError.nonFiniteLoss(model: name, epoch: epoch, step: index)
    }
    try gradientHook?(trainable)
    if let clipNorm { optimizer.clipGradientNorm(maxNorm: clipNorm) }
    optimizer.step()
    optimizer.zeroGrad()
    return value
  }
}
