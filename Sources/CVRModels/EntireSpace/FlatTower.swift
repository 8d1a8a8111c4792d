// One task tower of the EGEAN family over a FlatEmbeddingTrunk's x: an MLP body
// to a hidden representation, then a linear head to one logit.
import CVRAutograd
import CVRCore
import CVRLayers

/// z = head(body(x)): body = x → widths (each ReLU, optional BN/dropout), head = one
/// linear unit (DDPO §4, implementation details: "the feature embedding network is implemented with MLPs
/// and the prediction network with a single fully connected layer"; the same maths as
/// `FlatTowerConfig.mlp`, split so a model can read the hidden layer: DDPO's causal
/// transfer modules, AECM's task-level discriminator).
///
/// Shapes: x [n, inputDim] → hidden [n, hiddenDim] → logit [n].
public final class FlatTower: Layer {
  public let body: MLP
  public let head: Linear

  /// Parameter names start with `name` ("ctr.body.0.weight", "ctr.head.weight", …).
  public init(name: String, inputDim: Int, config: FlatTowerConfig, rng: inout SeededGenerator) {
    body = MLP(.init(widths: [inputDim] + config.widths, batchNorm: config.batchNorm, dropout: config.dropout,
                     activateLast: true), name: "\(name).body", rng: &rng)
    head = Linear(config.widths.last!, 1, name: "\(name).head", rng: &rng)
  }

  public var children: [any Layer] { [body, head] }

  /// Width of the hidden representation (the last tower width).
  public var hiddenDim: Int { head.inDim }

  /// The last hidden layer [n, hiddenDim].
  public func hidden(_ x: Tensor, _ tape: Tape) -> Tensor { body(x, tape) }

  /// The logit [n] from a hidden representation [n, hiddenDim].
  public func logit(hidden h: Tensor, _ tape: Tape) -> Tensor { head(h, tape).reshaped(Shape(h.shape[0])) }

  /// The logit [n] of x [n, inputDim].
  public func callAsFunction(_ x: Tensor, _ tape: Tape) -> Tensor { logit(hidden: hidden(x, tape), tape) }
}
