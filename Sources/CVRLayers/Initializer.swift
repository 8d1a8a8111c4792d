// Seeded parameter initialisation schemes, applied with the fan-in and fan-out
// of the layer that owns the parameter.
import CVRAutograd
import CVRCore
import CVRKernels

/// How a parameter's values are drawn when a layer is built.
public enum Initializer: Sendable {
  case zeros
  case constant(Float)
  case uniform(low: Float, high: Float)
  case normal(std: Float)
  /// U(−a, a) with a = √(6 / (fanIn + fanOut)) (Glorot & Bengio 2010); TensorFlow's
  /// default, and the MetaCVR authors' (`model_arg_scope`, seeds-code.md §1.3).
  case xavierUniform
  /// N(0, 2 / (fanIn + fanOut)) (Glorot & Bengio 2010).
  case xavierNormal
  /// U(−1/√fanIn, 1/√fanIn): PyTorch's `nn.Linear` default (Kaiming uniform, a = √5).
  case torchLinear

  /// Fills `parameter` in place.
  public func apply(to parameter: Parameter, fanIn: Int, fanOut: Int, rng: inout SeededGenerator) {
    switch self {
    case .zeros:
      parameter.fill { 0 }
    case .constant(let c):
      parameter.fill { c }
    case .uniform(let low, let high):
      parameter.fill { rng.nextFloat(in: low, high) }
    case .normal(let std):
      parameter.fill { rng.nextNormal() * std }
    case .xavierUniform:
      let a = (6 / Float(max(1, fanIn + fanOut))).squareRoot()
      parameter.fill { rng.nextFloat(in: -a, a) }
    case .xavierNormal:
      let std = (2 / Float(max(1, fanIn + fanOut))).squareRoot()
      parameter.fill { rng.nextNormal() * std }
    case .torchLinear:
      let a = 1 / Float(max(1, fanIn)).squareRoot()
      parameter.fill { rng.nextFloat(in: -a, a) }
    }
  }
}
