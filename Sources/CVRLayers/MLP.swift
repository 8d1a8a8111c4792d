// A stack of fully connected layers with optional batch norm and dropout.
import CVRAutograd
import CVRCore
import CVRKernels

/// The multi-layer perceptron used by every tower in the CVR models.
///
/// Each layer l computes, in tf.contrib `fully_connected` order (the MetaCVR
/// authors' code, seeds-code.md §1.3):
/// `h ← dropout(act(BN(h · W_lᵀ)))` with batch norm, or `dropout(act(h · W_lᵀ + b_l))`
/// without. The bias is dropped when batch norm follows (BN's β replaces it).
/// The last layer has no activation, norm or dropout unless `activateLast`.
///
/// Shapes: x [..., widths[0]] → [..., widths.last].
public final class MLP: Layer {
  public struct Config: Sendable {
    /// Input width then each layer's output width, e.g. [424, 256, 128].
    public var widths: [Int]
    public var activation: Activation = .relu
    public var batchNorm = false
    /// Dropout rate after each hidden layer's activation (0 = none).
    public var dropout: Float = 0
    /// Treat the last layer like the hidden ones (activation, norm, dropout).
    public var activateLast = false
    public var initializer: Initializer = .xavierUniform

    public init(widths: [Int], activation: Activation = .relu, batchNorm: Bool = false,
                dropout: Float = 0, activateLast: Bool = false, initializer: Initializer = .xavierUniform) {
      precondition(widths.count >= 2, "MLP: need an input width and at least one layer, got \(widths)")
      self.widths = widths
      self.activation = activation
      self.batchNorm = batchNorm
      self.dropout = dropout
      self.activateLast = activateLast
      self.initializer = initializer
    }
  }

  public let config: Config
  public let layers: [Linear]
  public let norms: [BatchNorm?]

  public init(_ config: Config, name: String = "mlp", rng: inout SeededGenerator) {
    self.config = config
    var layers: [Linear] = []
    var norms: [BatchNorm?] = []
    let count = config.widths.count - 1
    for l in 0..<count {
      let hidden = l < count - 1 || config.activateLast
      let norm = hidden && config.batchNorm
      layers.append(Linear(config.widths[l], config.widths[l + 1], bias: !norm, name: "\(name).\(l)",
                           initializer: config.initializer, rng: &rng))
      norms.append(norm ? BatchNorm(config.widths[l + 1], name: "\(name).\(l).bn") : nil)
    }
    self.layers = layers
    self.norms = norms
  }

  /// Each linear layer followed by its batch norm, if any.
  public var children: [any Layer] {
    zip(layers, norms).flatMap { linear, norm -> [any Layer] in [linear] + (norm.map { [$0] } ?? []) }
  }

  public func callAsFunction(_ x: Tensor, _ tape: Tape) -> Tensor { callAsFunction(x, tape, afterHidden: nil) }

  /// The forward pass with `afterHidden(l, h)` replacing each hidden layer l's
  /// output h (after its activation and dropout) before the next layer reads it:
  /// where a per-layer gate goes (PEPNet's PPNet, EGEAN Eq. 5). nil: plain MLP.
  public func callAsFunction(_ x: Tensor, _ tape: Tape, afterHidden: ((Int, Tensor) -> Tensor)?) -> Tensor {
    var h = x
    let count = layers.count
    for l in 0..<count {
      h = layers[l](h, tape)
      guard l < count - 1 || config.activateLast else { break }
      if let bn = norms[l] { h = bn(h, tape) }
      h = config.activation(h, tape)
      if config.dropout > 0 { h = tape.dropout(h, rate: config.dropout, training: tape.isTraining) }
      if let afterHidden, l < count - 1 { h = afterHidden(l, h) }
    }
    return h
  }
}
