// MainNet, BiasNet and Norm: the part of MetaCVR's FRN after the attentions,
// F(x) = Norm([h_M; h_B]) (Eq. 2).
import CVRAutograd
import CVRCore
import CVRKernels
import CVRLayers

/// h_M = MainNet([e_u; e_i; e_ui; s_i; s_u]), h_B = BiasNet([e_u; e_c]),
/// F(x) = Norm([h_M; h_B]) (MetaCVR §2.2, Eq. 2).
///
/// Both nets are ReLU MLPs whose last layer is activated too (their outputs are
/// features, not logits); with `batchNorm` each layer is linear → BN → ReLU →
/// dropout, the authors' order (seeds-code.md §1.3). Absent blocks (no
/// interaction features, no sequence) are left out of the concatenation.
///
/// Shapes: main input [n, mainInputDim], bias input [n, biasInputDim] → [n, config.representationDim].
public final class RepresentationHead: Layer {
  public let mainNet: MLP
  public let biasNet: MLP
  public let layerNorm: CVRLayers.LayerNorm?
  public let norm: RepresentationNorm

  public init(config: FRNConfig, mainInputDim: Int, biasInputDim: Int, name: String = "frn",
              rng: inout SeededGenerator) {
    func net(_ input: Int, _ widths: [Int], _ label: String) -> MLP {
      MLP(.init(widths: [input] + widths, batchNorm: config.batchNorm, dropout: config.dropout, activateLast: true),
          name: "\(name).\(label)", rng: &rng)
    }
    mainNet = net(mainInputDim, config.mainWidths, "main_net")
    biasNet = net(biasInputDim, config.biasWidths, "bias_net")
    norm = config.norm
    layerNorm = config.norm == .layerNorm ? CVRLayers.LayerNorm(config.representationDim, name: "\(name).norm") : nil
  }

  public var children: [any Layer] { [mainNet, biasNet] + (layerNorm.map { [$0] } ?? []) }

  public func callAsFunction(main: Tensor, bias: Tensor, _ tape: Tape) -> Tensor {
    let joined = tape.concat(mainNet(main, tape), biasNet(bias, tape), axis: 1)
    switch norm {
    case .l2: return tape.l2Normalize(joined)
    case .layerNorm: return layerNorm!(joined, tape)
    }
  }
}
