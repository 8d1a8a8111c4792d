// Layer normalisation and batch normalisation as layers with learnable gain
// and bias (and, for batch norm, running statistics saved with the model).
import CVRAutograd
import CVRKernels

/// y = (x − mean) / √(var + ε) · γ + β over the last axis (Ba et al. 2016).
///
/// Shapes: x [..., dim]; gain γ and bias β [dim] (ones and zeros at start).
public final class LayerNorm: Layer {
  public let gain: Parameter?
  public let bias: Parameter?
  public let epsilon: Float

  public init(_ dim: Int, affine: Bool = true, epsilon: Float = 1e-5, name: String = "layer_norm") {
    self.epsilon = epsilon
    if affine {
      let g = Parameter("\(name).gain", shape: Shape(dim))
      g.fill { 1 }
      gain = g
      bias = Parameter("\(name).bias", shape: Shape(dim))
    } else {
      gain = nil
      bias = nil
    }
  }

  public var ownParameters: [Parameter] { [gain, bias].compactMap { $0 } }

  public func callAsFunction(_ x: Tensor, _ tape: Tape) -> Tensor {
    tape.layerNorm(x, gain: gain.map { tape.param($0) }, bias: bias.map { tape.param($0) }, epsilon: epsilon)
  }
}

/// Batch normalisation over every axis but the last (Ioffe & Szegedy 2015).
///
/// Training: y = (x − μ_B) / √(σ²_B + ε) · γ + β with batch statistics, and the
/// running statistics move by `momentum` (PyTorch's convention: running ←
/// (1 − m)·running + m·batch, unbiased variance). Inference: the running
/// statistics replace the batch ones. The mode is the tape's (`Tape.isTraining`).
public final class BatchNorm: Layer {
  public let gain: Parameter
  public let bias: Parameter
  public let runningMean: Parameter
  public let runningVar: Parameter
  public let momentum: Float
  public let epsilon: Float

  public init(_ dim: Int, momentum: Float = 0.1, epsilon: Float = 1e-5, name: String = "batch_norm") {
    self.momentum = momentum
    self.epsilon = epsilon
    gain = Parameter("\(name).gain", shape: Shape(dim))
    gain.fill { 1 }
    bias = Parameter("\(name).bias", shape: Shape(dim))
    runningMean = Parameter("\(name).running_mean", shape: Shape(dim), isState: true)
    runningVar = Parameter("\(name).running_var", shape: Shape(dim), isState: true)
    runningVar.fill { 1 }
  }

  public var ownParameters: [Parameter] { [gain, bias, runningMean, runningVar] }

  public func callAsFunction(_ x: Tensor, _ tape: Tape) -> Tensor {
    tape.batchNorm(
      x, gain: tape.param(gain), bias: tape.param(bias), runningMean: runningMean,
      runningVar: runningVar, training: tape.isTraining, momentum: momentum, epsilon: epsilon)
  }
}
