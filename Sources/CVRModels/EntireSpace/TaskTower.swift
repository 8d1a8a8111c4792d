// One task of an entire-space model (CTR, CVR, cart, delay …): BASE's
// architecture per task, a representation head and a 3-layer output MLP.
import CVRAutograd
import CVRCore
import CVRKernels
import CVRLayers

/// z = f(F(x)) with F(x) = Norm([MainNet(main); BiasNet(bias)]) (MetaCVR Eq. 2)
/// and f an MLP F(x) → hidden widths → `outputs` logits (MetaCVR §2.2 f_b, a
/// 3-layer MLP with two hidden widths; workload M1: 160 → 128 → 64 → 1).
///
/// The output MLP's hidden layers take the FRN's batch norm and dropout options
/// (the authors' logits layer is ReLU + BN, seeds-code.md §1.3).
/// Shapes: main [n, mainInputDim], bias [n, biasInputDim] → logits [n, outputs].
public final class TaskTower: Layer {
  public let head: RepresentationHead
  public let output: MLP

  /// Parameter names start with `name` ("ctr", "cvr", …).
  public init(name: String, frn: FRNConfig, hiddenWidths: [Int], outputs: Int, mainInputDim: Int,
              biasInputDim: Int, rng: inout SeededGenerator) {
    head = RepresentationHead(config: frn, mainInputDim: mainInputDim, biasInputDim: biasInputDim, name: name,
                              rng: &rng)
    output = MLP(.init(widths: [frn.representationDim] + hiddenWidths + [outputs], batchNorm: frn.batchNorm,
                       dropout: frn.dropout), name: "\(name).output", rng: &rng)
  }

  /// A tower over `trunk`'s MainNet and BiasNet inputs.
  public convenience init(name: String, frn: FRNConfig, hiddenWidths: [Int], outputs: Int = 1,
                          trunk: EntireSpaceTrunk, rng: inout SeededGenerator) {
    self.init(name: name, frn: frn, hiddenWidths: hiddenWidths, outputs: outputs,
              mainInputDim: trunk.mainInputDim, biasInputDim: trunk.biasInputDim, rng: &rng)
  }

  public var children: [any Layer] { [head, output] }

  /// Logits [n, outputs].
  public func callAsFunction(main: Tensor, bias: Tensor, _ tape: Tape) -> Tensor {
    output(head(main: main, bias: bias, tape), tape)
  }
}

/// Checks shared by the baselines' configurations.
func checkWidths(_ widths: [Int], _ what: String) throws {
  guard widths.allSatisfy({ $0 > 0 }) else { throw ModelError.config("\(what) widths must be positive, got \(widths)") }
}

/// A [n] constant copied from one of the batch's per-sample label buffers.
func labelTensor(_ values: UnsafeMutablePointer<Float>, count n: Int, _ tape: Tape) -> Tensor {
  let t = tape.empty(Shape(n))
  t.data.update(from: values, count: n)
  return t
}
