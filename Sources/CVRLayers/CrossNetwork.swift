// The cross network of DCN (Wang et al., "Deep & Cross Network for Ad Click
// Predictions", ADKDD 2017, Eq. 3).
import CVRAutograd
import CVRCore
import CVRKernels

/// x_{l+1} = x_0 · (x_lᵀ w_l) + b_l + x_l for l = 0 ..< depth (DCN Eq. 3).
///
/// x_lᵀ w_l is one scalar per sample, so each layer costs O(d) per sample.
/// Shapes: x_0 [B, d]; w_l [1, d] (a row, as `Linear`'s weight); b_l [d] → [B, d].
public final class CrossNetwork: Layer {
  public let weights: [Parameter]
  public let biases: [Parameter]

  public init(dim: Int, depth: Int, name: String = "cross", initializer: Initializer = .xavierUniform,
              rng: inout SeededGenerator) {
    var weights: [Parameter] = [], biases: [Parameter] = []
    for l in 0..<depth {
      let w = Parameter("\(name).\(l).weight", shape: Shape(1, dim))
      initializer.apply(to: w, fanIn: dim, fanOut: 1, rng: &rng)
      weights.append(w)
      biases.append(Parameter("\(name).\(l).bias", shape: Shape(dim)))
    }
    self.weights = weights
    self.biases = biases
  }

  public var ownParameters: [Parameter] { zip(weights, biases).flatMap { [$0, $1] } }

  public func callAsFunction(_ x0: Tensor, _ tape: Tape) -> Tensor {
    var x = x0
    for (w, b) in zip(weights, biases) {
      let s = tape.linear(x, weight: tape.param(w), bias: nil)  // [B, 1]
      x = tape.add(tape.add(tape.mul(x0, s), tape.param(b)), x)
    }
    return x
  }
}
