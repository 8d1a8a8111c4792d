// A tensor is a view: a pointer to Float32 data, a shape, and the tape node that
// produced it. The memory belongs to a tape's arena (valid until `reset()`) or
// to a `Parameter` (valid while the parameter lives).

/// A row-major, contiguous Float32 tensor seen through the tape that made it.
///
/// `node` is the index of the op that produced it on its tape, or -1 for a
/// constant (an input, a frozen parameter, a stop-gradient, or any tensor made
/// while the tape is not recording). Copy values out with `toArray()` before
/// the tape is reset.
public struct Tensor {
  public let data: UnsafeMutablePointer<Float>
  public let shape: Shape
  public let node: Int32

  @inline(__always)
  public init(data: UnsafeMutablePointer<Float>, shape: Shape, node: Int32 = -1) {
    self.data = data
    self.shape = shape
    self.node = node
  }

  /// Whether gradients flow back through this tensor.
  @inline(__always) public var requiresGrad: Bool { node >= 0 }
  @inline(__always) public var count: Int { shape.count }

  /// A copy of the values.
  public func toArray() -> [Float] { Array(UnsafeBufferPointer(start: data, count: count)) }

  /// The value of a one-element tensor.
  public var scalar: Float {
    precondition(count == 1, "Tensor.scalar: tensor has shape \(shape)")
    return data[0]
  }

  /// The same data and node under another shape with the same element count.
  /// Free: the gradient buffer of the node is read with whichever shape.
  public func reshaped(_ newShape: Shape) -> Tensor {
    precondition(newShape.count == shape.count, "reshape: \(shape) has \(shape.count) elements, \(newShape) has \(newShape.count)")
    return Tensor(data: data, shape: newShape, node: node)
  }

  /// A constant view of the same values: gradients stop here.
  public var detached: Tensor { Tensor(data: data, shape: shape, node: -1) }
}
