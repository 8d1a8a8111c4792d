// The fully connected layer.
import CVRAutograd
import CVRCore
import CVRKernels

/// y = x · Wᵀ + b.
///
/// Shapes: weight [outDim, inDim] (PyTorch's layout), bias [outDim]; x [..., inDim]
/// → y [..., outDim]. The bias is omitted when a normalisation follows (it would
/// be cancelled by the mean subtraction).
public final class Linear: Layer {
  public let inDim: Int
  public let outDim: Int
  public let weight: Parameter
  public let bias: Parameter?

  public init(
    _ inDim: Int, _ outDim: Int, bias: Bool = true, name: String = "linear",
    initializer: Initializer = .xavierUniform, rng: inout SeededGenerator
  ) {
    self.inDim = inDim
    self.outDim = outDim
    weight = Parameter("\(name).weight", shape: Shape(outDim, inDim))
    initializer.apply(to: weight, fanIn: inDim, fanOut: outDim, rng: &rng)
    self.bias = bias ? Parameter("\(name).bias", shape: Shape(outDim)) : nil
  }

  public var ownParameters: [Parameter] { bias.map { [weight, $0] } ?? [weight] }

  public func callAsFunction(_ x: Tensor, _ tape: Tape) -> Tensor {
    tape.linear(x, weight: tape.param(weight), bias: bias.map { tape.param($0) })
  }
}
