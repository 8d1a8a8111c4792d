// A copy of a model's parameter values kept in memory: early stopping keeps the
// best epoch's weights and puts them back at the end.
import CVRAutograd

/// The values of a list of parameters at one moment; the buffers are allocated
/// once and overwritten by each `capture`.
public final class ParameterSnapshot {
  public let parameters: [Parameter]
  private var copies: [UnsafeMutableBufferPointer<Float>]
  public private(set) var hasCapture = false

  public init(_ parameters: [Parameter]) {
    self.parameters = parameters
    copies = parameters.map { p in
      let buffer = UnsafeMutableBufferPointer<Float>.allocate(capacity: max(p.value.count, 1))
      buffer.initialize(repeating: 0)
      return buffer
    }
  }

  deinit { for c in copies { c.deallocate() } }

  /// Copies every parameter's current values into the snapshot.
  public func capture() {
    for (p, copy) in zip(parameters, copies) where p.value.count > 0 {
      copy.baseAddress!.update(from: p.value.baseAddress!, count: p.value.count)
    }
    hasCapture = true
  }

  /// Writes the captured values back into the parameters (nothing before a capture).
  public func restore() {
    guard hasCapture else { return }
    for (p, copy) in zip(parameters, copies) where p.value.count > 0 {
      p.value.baseAddress!.update(from: copy.baseAddress!, count: p.value.count)
    }
  }
}
