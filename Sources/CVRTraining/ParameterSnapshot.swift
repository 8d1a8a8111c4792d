// A copy of a model's parameter values kept in memory: early stopping keeps the
// best epoch's weights and puts them back at the end; an epoch checkpoint saves
// the copy too, so a resumed run still knows its best epoch's weights.
import CVRAutograd

/// The values of a list of parameters at one moment, held in parameters of
/// their own ("best/<name>", never trained) allocated once and overwritten by
/// each `capture`.
public final class ParameterSnapshot {
  public let parameters: [Parameter]
  /// The copies, one per parameter, named "best/<name>" (what a checkpoint stores).
  public let copies: [Parameter]
  /// Whether the copies hold a capture (set by `capture`, or by a restored checkpoint).
  public var hasCapture = false

  public init(_ parameters: [Parameter]) {
    self.parameters = parameters
    copies = parameters.map { Parameter("best/" + $0.name, shape: $0.shape, requiresGrad: false) }
  }

  /// Copies every parameter's current values into the snapshot.
  public func capture() {
    for (p, copy) in zip(parameters, copies) where p.value.count > 0 {
      copy.value.baseAddress!.update(from: p.value.baseAddress!, count: p.value.count)
    }
    hasCapture = true
  }

  /// Writes the captured values back into the parameters (nothing before a capture).
  public func restore() {
    guard hasCapture else { return }
    for (p, copy) in zip(parameters, copies) where p.value.count > 0 {
      p.value.baseAddress!.update(from: copy.value.baseAddress!, count: p.value.count)
    }
  }
}
