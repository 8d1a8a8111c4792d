// What every layer shares: the parameters it owns, its child layers, and what
// follows from them (all parameters in a stable order, freezing). Training
// versus inference behaviour travels with the tape (`Tape.isTraining`).
import CVRAutograd

/// A module with parameters, in the PyTorch sense: it owns `Parameter`s, holds
/// child layers, and computes a forward pass on a tape; gradients come from the tape.
///
/// A layer lists only what it owns directly (`ownParameters`) and its children;
/// `parameters` walks them, so no layer writes its sub-layers' lists by hand.
/// Dropout and batch norm read the mode from the tape, so a layer holds no
/// per-call state and one model may score on several threads at once.
public protocol Layer: AnyObject {
  /// The parameters this layer holds itself, in a stable order (not its children's).
  var ownParameters: [Parameter] { get }
  /// The sub-layers whose parameters follow `ownParameters`, in order.
  var children: [any Layer] { get }
}

extension Layer {
  public var ownParameters: [Parameter] { [] }
  public var children: [any Layer] { [] }

  /// Every parameter, trainable and state: `ownParameters`, then each child's
  /// `parameters` in order (the order of optimizers and checkpoints).
  public var parameters: [Parameter] {
    var all = ownParameters
    for child in children { all += child.parameters }
    return all
  }

  /// The parameters an optimizer updates.
  public var trainableParameters: [Parameter] { parameters.filter { $0.requiresGrad && !$0.isState } }

  /// Freezes or unfreezes every trainable parameter (state never trains).
  public func setFrozen(_ frozen: Bool) {
    for p in parameters where !p.isState { p.requiresGrad = !frozen }
  }

  public func zeroGrad() { for p in parameters { p.zeroGrad() } }
}
