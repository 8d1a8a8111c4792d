// The activation a layer applies, chosen once per layer (never per element).
import CVRAutograd

/// A pointwise non-linearity.
public enum Activation: Sendable, Equatable {
  case identity
  case relu
  case leakyRelu(slope: Float)
  case sigmoid
  case tanh

  public func callAsFunction(_ x: Tensor, _ tape: Tape) -> Tensor {
    switch self {
    case .identity: return x
    case .relu: return tape.relu(x)
    case .leakyRelu(let slope): return tape.leakyRelu(x, slope: slope)
    case .sigmoid: return tape.sigmoid(x)
    case .tanh: return tape.tanh(x)
    }
  }
}
