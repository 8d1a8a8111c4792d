// One optimisation step of a model on a batch, the unit the trainer, the
// benchmarks and a distributed runner share: loss, backward, the gradient
// hook, clipping, the optimizer step.
import CVRAutograd
import CVRData
import CVRModels
import CVROptim

/// Runs between `backward` and clipping with the trainable parameters, whose
/// gradients are then complete: where a data-parallel all-reduce goes, or any
/// rewrite of the gradients. A thrown error stops training.
public typealias GradientHook = ([Parameter]) throws -> Void

/// One reusable training step: owns the tape, reuses it every call.
///
/// `step(batch)`: tape.reset(); L = model.loss(batch) on a recording training
/// tape; backward; `gradientHook(trainable)`; clip ‖g‖₂ ≤ clipNorm over the
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
  /// - Throws: `TrainingError.nonFiniteLoss` (nothing is updated then) and
  ///   whatever the gradient hook throws.
  @discardableResult
  public func step(_ batch: Batch, epoch: Int = 0, index: Int = 0, name: String = "model") throws -> Float {
    tape.reset()
    let loss = model.loss(batch, tape)
    let value = loss.data[0]
    guard value.isFinite else {
      tape.reset()
      throw TrainingError.nonFiniteLoss(model: name, epoch: epoch, step: index)
    }
    tape.backward(loss)
    try gradientHook?(trainable)
    if let clipNorm { optimizer.clipGradientNorm(maxNorm: clipNorm) }
    optimizer.step()
    optimizer.zeroGrad()
    return value
  }
}
