// One EGEAN task tower (CTR, CVR or imputation): an MLP over the task's input
// whose hidden layers are each scaled by a PPNet gate (PEPNet's parameter
// personalisation), or a plain MLP without task personalisation.
import CVRAutograd
import CVRCore
import CVRData
import CVREmbedding
import CVRLayers

/// z = MLP(x) with h_l ← δ_l ⊗ h_l after every hidden layer l,
/// δ_l = GateNU_l([prior; sg(x)]) (EGEAN §2.1.2 Eq. 4–5, PEPNet §3.4: "we integrate
/// PPNet into all DNN layers"; workload M3: a gate input → width → width per hidden
/// layer, "input the stop-gradient of the tower input").
///
/// RECONSTRUCTION of the placement: Eq. 5 scales each layer's input H^(l); the
/// input layer H^(0) is the EPNet output, already gated, so the gates here scale
/// the hidden layers' outputs (the inputs of layers 1 … L), as M3 reads it. Without
/// gates (w/o TPN) the tower is the plain `FlatTowerConfig` MLP. Xavier init (§3.0.3).
///
/// Shapes: x [n, inputDim], prior [n, priorDim] → logits [n].
public final class EGEANTower: Layer {
  public let mlp: MLP
  /// One per hidden layer; empty without PPNet.
  public let gates: [GateNU]

  /// Parameter names start with `name` ("ctr", "cvr", "imputation"); gates with `name`.ppnet.
  public init(name: String, inputDim: Int, towers: FlatTowerConfig, ppnetPriorDim: Int?, gamma: Float,
              rng: inout SeededGenerator) {
    mlp = MLP(towers.mlp(inputDim: inputDim), name: name, rng: &rng)
    if let priorDim = ppnetPriorDim {
      gates = towers.widths.enumerated().map { l, width in
        GateNU(inputDim: priorDim + inputDim, hiddenDim: width, outputDim: width, gamma: gamma,
               name: "\(name).ppnet.\(l)", rng: &rng)
      }
    } else {
      gates = []
    }
  }

  public var children: [any Layer] { [mlp] + gates.map { $0 as any Layer } }

  /// The tower's logits [n]; `prior` is required when the tower has gates.
  public func callAsFunction(_ x: Tensor, prior: Tensor?, _ tape: Tape) -> Tensor {
    let n = x.shape[0]
    guard !gates.isEmpty else { return mlp(x, tape).reshaped(Shape(n)) }
    return mlp(x, tape, afterHidden: { l, h in tape.mul(h, self.gates[l](x, prior: prior, tape)) }).reshaped(Shape(n))
  }
}

/// LoRA adapters of one task over every table of the shared embedder: the task
/// reads E'[id] = E[id] + (α/r)·A_t[id]·B_t (Hu et al. 2021; EGEAN §2.1.2 "we finetune
/// the pre-trained embeddings for CTR task and CVR task using Low-Rank adaptors").
/// A_t starts at zero (`LoRAEmbedding`), so the task starts on the shared embedding exactly.
final class TaskLoRA: Layer {
  let embedder: FeatureEmbedder
  let adapters: [LoRAEmbedding]
  private let byTable: [String: LoRAEmbedding]

  /// Adapters named `task`.lora.`table` (note: `LoRAEmbedding` freezes each base table).
  init(task: String, embedder: FeatureEmbedder, rank: Int, alpha: Float, bStd: Float, rng: inout SeededGenerator) {
    self.embedder = embedder
    adapters = embedder.tables.map {
      LoRAEmbedding(base: $0, rank: rank, alpha: alpha, bStd: bStd, name: "\(task).lora.\($0.name)", rng: &rng)
    }
    byTable = Dictionary(uniqueKeysWithValues: zip(embedder.plan.tables.map(\.name), adapters))
  }

  var ownParameters: [Parameter] { adapters.flatMap(\.trainableParameters) }

  /// Δ_t [n, inputDim], laid out as the trunk's x (zeros on dense columns).
  func delta(_ batch: Batch, _ tape: Tape) -> Tensor {
    FlatEmbeddingTrunk.flatten(embedder.loraDelta(batch, adapters: byTable, tape), tape)
  }
}
