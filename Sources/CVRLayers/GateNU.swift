// PEPNet's Gate Neural Unit: a two-layer network whose output, γ·sigmoid, scales
// another tensor elementwise; it reads its input with the gradient stopped.
import CVRAutograd
import CVRCore

/// δ = γ · σ(W₂ ReLU(W₁ sg(x) + b₁) + b₂) (Chang et al. KDD 2023, "PEPNet", §3.3
/// Eq. 2–3, the Gate NU; γ = 2 there and in EGEAN §2.1.2), so δ ∈ (0, γ) and a gate
/// at its initial value ≈ γ/2 = 1 leaves what it scales about unchanged.
///
/// The input is read through a stop-gradient (PEPNet's sg(·): the gate must not
/// move the embedding or hidden state it looks at), so the loss reaches W₁, b₁,
/// W₂, b₂ through δ but never x. Weights Xavier-uniform (EGEAN §3.0.3), biases 0.
///
/// Shapes: x [n, inputDim] → δ [n, outputDim].
public final class GateNU: Layer {
  public let hidden: Linear
  public let output: Linear
  public let gamma: Float

  public init(inputDim: Int, hiddenDim: Int, outputDim: Int, gamma: Float = 2, name: String,
              rng: inout SeededGenerator) {
    precondition(inputDim > 0 && hiddenDim > 0 && outputDim > 0 && gamma > 0,
                 "GateNU \(name): sizes and γ must be positive")
    hidden = Linear(inputDim, hiddenDim, name: "\(name).0", rng: &rng)
    output = Linear(hiddenDim, outputDim, name: "\(name).1", rng: &rng)
    self.gamma = gamma
  }

  public var children: [any Layer] { [hidden, output] }

  /// δ for `x` (detached here, whatever the caller passes), with an optional
  /// `prior` [n, k] placed before it, [prior; sg(x)] (PEPNet Eq. 2: E(F_d) ⊕ sg(E)):
  /// the prior (a task-id embedding, say) is not detached, so it learns through the gate.
  /// inputDim = k + width of x.
  public func callAsFunction(_ x: Tensor, prior: Tensor? = nil, _ tape: Tape) -> Tensor {
    let input = prior.map { tape.concat($0, tape.stopGradient(x), axis: 1) } ?? tape.stopGradient(x)
    return tape.scale(tape.sigmoid(output(tape.relu(hidden(input, tape)), tape)), by: gamma)
  }
}
