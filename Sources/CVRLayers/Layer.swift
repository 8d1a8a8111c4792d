// What every layer shares: its parameters, and a training/inference switch for
// the layers whose behaviour differs (dropout, batch norm).
import CVRAutograd

/// A module with parameters, in the PyTorch sense: it owns `Parameter`s and
/// computes a forward pass on a tape; gradients come from the tape.
public protocol Layer: AnyObject {
  /// Every parameter, trainable and state, in a stable order (for optimizers and checkpoints).
  var parameters: [Parameter] { get }
  /// Training mode: dropout active, batch norm uses and updates batch statistics.
  /// Inference mode: dropout off, batch norm uses its running statistics.
  var isTraining: Bool { get set }
}

extension Layer {
  /// The parameters an optimizer updates.
  public var trainableParameters: [Parameter] { parameters.filter { $0.requiresGrad } }

  /// Freezes or unfreezes every trainable parameter (state never trains).
  public func setFrozen(_ frozen: Bool) {
    for p in parameters where !p.isState { p.requiresGrad = !frozen }
  }

  public func zeroGrad() { for p in parameters { p.zeroGrad() } }
}
