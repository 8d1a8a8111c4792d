// DDPO's causal transfer module (Su et al. SIGIR 2024, Eq. 12–13): self-attention over
// two task features, each token weighted by the dot product of its own query and key.
import CVRAutograd
import CVRCore
import CVRLayers

/// T(f_a, f_b) = Σ_j softmax_j(w_j) θ_v(f_j), w_j = ⟨θ_q(f_j), θ_k(f_j)⟩ / √d
/// (DDPO Eq. 12–13; θ_q, θ_k, θ_v linear d → d, shared by both tokens, as the authors'
/// `Attention` layer). Before it, the other task's feature passes a linear + ReLU
/// (`info`, the authors' `ctr_info`/`ctcvr_info`; the paper says only that the module
/// is "implemented with multiple fully connected layers").
///
/// With two tokens softmax is a sigmoid of the score difference:
/// out = θ_v(f_b) + σ(w_a − w_b) ⊙ (θ_v(f_a) − θ_v(f_b)).
/// Shapes: other [n, d] (a) and own [n, d] (b) → [n, d].
public final class CausalTransferModule: Layer {
  public let info: Linear
  public let query: Linear
  public let key: Linear
  public let value: Linear

  public init(name: String, dim: Int, rng: inout SeededGenerator) {
    info = Linear(dim, dim, name: "\(name).info", rng: &rng)
    query = Linear(dim, dim, name: "\(name).query", rng: &rng)
    key = Linear(dim, dim, name: "\(name).key", rng: &rng)
    value = Linear(dim, dim, name: "\(name).value", rng: &rng)
  }

  public var children: [any Layer] { [info, query, key, value] }

  public func callAsFunction(other: Tensor, own: Tensor, _ tape: Tape) -> Tensor {
    let n = own.shape[0], d = own.shape[1]
    let a = tape.relu(info(other, tape))
    func score(_ f: Tensor) -> Tensor {
      tape.scale(tape.sum(tape.mul(query(f, tape), key(f, tape)), axis: 1), by: 1 / Float(d).squareRoot())
    }
    let weightA = tape.sigmoid(tape.sub(score(a), score(own))).reshaped(Shape(n, 1))
    let va = value(a, tape), vb = value(own, tape)
    return tape.add(vb, tape.mul(weightA, tape.sub(va, vb)))
  }
}
