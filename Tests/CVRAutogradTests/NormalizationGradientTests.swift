// Layer norm and batch norm: values against Double references and known answers,
// gradient checks with and without gain and bias, and running statistics by hand.
import CVRAutograd
import CVRTestSupport
import Testing

/// (x − mean)/√(var + ε)·gain + bias over each row of [rows, cols], in Double.
func referenceLayerNorm(_ x: [Float], rows: Int, cols: Int, gain: [Float]?, bias: [Float]?, epsilon: Double = 1e-5) -> [Float] {
  var y = [Float](repeating: 0, count: x.count)
  for i in 0..<rows {
    let row = (0..<cols).map { Double(x[i * cols + $0]) }
    let mean = row.reduce(0, +) / Double(cols)
    let variance = row.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(cols)
    for j in 0..<cols {
      let normalized = (row[j] - mean) / (variance + epsilon).squareRoot()
      y[i * cols + j] = Float(normalized * Double(gain?[j] ?? 1) + Double(bias?[j] ?? 0))
    }
  }
  return y
}

func stateParameter(_ name: String, _ values: [Float]) -> Parameter {
  let p = Parameter(name, shape: Shape(values.count), requiresGrad: false, isState: true)
  _ = p.value.update(fromContentsOf: values)
  return p
}

@Suite struct NormalizationGradientTests {
  static let shapes = [Shape(3, 1), Shape(1, 17), Shape(3, 17), Shape(17, 3), Shape(2, 3, 5)]

  @Test func layerNormMatchesReference() {
    let x = randomParameter("x", Shape(3, 17), seed: 1, in: -2, 5)
    let gain = randomParameter("gain", Shape(17), seed: 2), bias = randomParameter("bias", Shape(17), seed: 3)
    let tape = Tape()
    let y = tape.layerNorm(tape.param(x), gain: tape.param(gain), bias: tape.param(bias))
    let expected = referenceLayerNorm(x.values(), rows: 3, cols: 17, gain: gain.values(), bias: bias.values())
    let (ok, message) = allClose(y.toArray(), expected, rtol: 1e-5, atol: 1e-5)
    #expect(ok, "\(message)")
  }

  @Test func layerNormOfRowsWithLargeOffsetKeepsPrecision() {
    // Mean 1000, spread 1: one-pass Float variance would lose most digits here.
    let values: [Float] = (0..<17).map { 1000 + Float($0 % 5) - 2 }
    let tape = Tape()
    let y = tape.layerNorm(tape.constant(values, Shape(1, 17)), gain: nil, bias: nil)
    let expected = referenceLayerNorm(values, rows: 1, cols: 17, gain: nil, bias: nil)
    #expect(allClose(y.toArray(), expected, rtol: 1e-5, atol: 1e-5).0)
  }

  @Test(arguments: shapes, [(true, true), (false, false), (true, false), (false, true)])
  func layerNormGradients(_ shape: Shape, _ affine: (Bool, Bool)) {
    let x = randomParameter("x", shape, seed: 4)
    let gain = randomParameter("gain", Shape(shape.last), seed: 5, in: 0.5, 1.5)
    let bias = randomParameter("bias", Shape(shape.last), seed: 6)
    let parameters = [x] + (affine.0 ? [gain] : []) + (affine.1 ? [bias] : [])
    let result = checkGradients(parameters) { tape in
      tape.layerNorm(tape.param(x), gain: affine.0 ? tape.param(gain) : nil, bias: affine.1 ? tape.param(bias) : nil)
    }
    #expect(result.passed, "\(shape) gain=\(affine.0) bias=\(affine.1): \(result)")
  }

  @Test func layerNormWithFrozenGainStillUsesItForTheInputGradient() {
    let x = randomParameter("x", Shape(3, 17), seed: 7)
    let gain = randomParameter("gain", Shape(17), seed: 8, in: 0.5, 2, requiresGrad: false)
    let result = checkGradients([x]) { tape in tape.layerNorm(tape.param(x), gain: tape.param(gain), bias: nil) }
    #expect(result.passed, "\(result)")
    #expect(!gain.hasGrad)
  }

  @Test func batchNormTrainingNormalisesEachFeature() {
    let x = randomParameter("x", Shape(17, 3), seed: 9, in: -3, 5)
    let tape = Tape()
    let y = tape.batchNorm(tape.param(x), gain: nil, bias: nil, runningMean: stateParameter("m", [0, 0, 0]),
                           runningVar: stateParameter("v", [1, 1, 1]), training: true).toArray()
    for j in 0..<3 {
      let column = (0..<17).map { Double(y[$0 * 3 + j]) }
      let mean = column.reduce(0, +) / 17
      let variance = column.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / 17
      #expect(abs(mean) < 1e-6 && abs(variance - 1) < 1e-3, "feature \(j): mean \(mean) variance \(variance)")
    }
  }

  @Test func batchNormOfFeaturesWithLargeOffsetKeepsPrecision() {
    // Feature j of row i is 1000·(j+1) + (i mod 5) − 2: the normalised column repeats (−2…2)/√2.
    let values: [Float] = (0..<34).map { (k: Int) -> Float in
      let offset = Float(1000 * (k % 2 + 1)), step = Float((k / 2) % 5 - 2)
      return offset + step
    }
    let tape = Tape()
    let y = tape.batchNorm(tape.constant(values, Shape(17, 2)), gain: nil, bias: nil, runningMean: stateParameter("m", [0, 0]),
                           runningVar: stateParameter("v", [1, 1]), training: true).toArray()
    let column = (0..<17).map { Float(($0 % 5) - 2) }
    let expected = referenceLayerNorm(column, rows: 1, cols: 17, gain: nil, bias: nil)
    for i in 0..<17 {
      #expect(abs(y[2 * i] - expected[i]) < 1e-5 && abs(y[2 * i + 1] - expected[i]) < 1e-5, "row \(i)")
    }
  }

  @Test func batchNormInferenceIsTheAffineMapOfTheRunningStatistics() {
    let tape = Tape()
    let y = tape.batchNorm(
      tape.constant([1, 2, 0, -1], Shape(2, 2)), gain: tape.constant([2, 1], Shape(2)), bias: tape.constant([0, 1], Shape(2)),
      runningMean: stateParameter("m", [0.5, 1]), runningVar: stateParameter("v", [0.25, 4]), training: false, epsilon: 0)
    #expect(y.toArray() == [2, 1.5, -2, 0])
  }

  @Test func batchNormRunningStatisticsAfterTwoSteps() {
    let mean = stateParameter("m", [0, 0]), variance = stateParameter("v", [1, 1])
    let tape = Tape()
    // Step 1: features (1, 2, 3) and (2, 4, 9): means 2 and 5, unbiased variances 1 and 13.
    _ = tape.batchNorm(tape.constant([1, 2, 2, 4, 3, 9], Shape(3, 2)), gain: nil, bias: nil,
                       runningMean: mean, runningVar: variance, training: true)
    #expect(allClose(mean.values(), [0.2, 0.5]).0 && allClose(variance.values(), [1.0, 2.2]).0,
            "\(mean.values()) \(variance.values())")
    // Step 2, not recording (PyTorch updates whenever training): both features (0, 0, 3), mean 1, unbiased variance 3.
    tape.withoutRecording {
      _ = tape.batchNorm(tape.constant([0, 0, 0, 0, 3, 3], Shape(3, 2)), gain: nil, bias: nil,
                         runningMean: mean, runningVar: variance, training: true)
    }
    #expect(allClose(mean.values(), [0.28, 0.55]).0 && allClose(variance.values(), [1.2, 2.28]).0,
            "\(mean.values()) \(variance.values())")
    // Inference reads the statistics and leaves them alone.
    _ = tape.batchNorm(tape.constant([5, 5], Shape(1, 2)), gain: nil, bias: nil,
                       runningMean: mean, runningVar: variance, training: false)
    #expect(allClose(mean.values(), [0.28, 0.55]).0 && allClose(variance.values(), [1.2, 2.28]).0)
  }

  @Test(arguments: [Shape(5, 3), Shape(17, 3), Shape(3, 17), Shape(2, 3, 5)], [true, false])
  func batchNormTrainingGradients(_ shape: Shape, _ affine: Bool) {
    let x = randomParameter("x", shape, seed: 10)
    let gain = randomParameter("gain", Shape(shape.last), seed: 11, in: 0.5, 1.5)
    let bias = randomParameter("bias", Shape(shape.last), seed: 12)
    let runningMean = stateParameter("m", [Float](repeating: 0, count: shape.last))
    let runningVar = stateParameter("v", [Float](repeating: 1, count: shape.last))
    let result = checkGradients(affine ? [x, gain, bias] : [x]) { tape in
      tape.batchNorm(tape.param(x), gain: affine ? tape.param(gain) : nil, bias: affine ? tape.param(bias) : nil,
                     runningMean: runningMean, runningVar: runningVar, training: true)
    }
    #expect(result.passed, "\(shape) affine=\(affine): \(result)")
  }

  @Test(arguments: [Shape(1, 3), Shape(17, 3), Shape(2, 3, 5)])
  func batchNormInferenceGradients(_ shape: Shape) {
    let x = randomParameter("x", shape, seed: 13)
    let gain = randomParameter("gain", Shape(shape.last), seed: 14, in: 0.5, 1.5)
    let bias = randomParameter("bias", Shape(shape.last), seed: 15)
    let runningMean = randomParameter("m", Shape(shape.last), seed: 16, requiresGrad: false)
    let runningVar = randomParameter("v", Shape(shape.last), seed: 17, in: 0.5, 2, requiresGrad: false)
    let result = checkGradients([x, gain, bias]) { tape in
      tape.batchNorm(tape.param(x), gain: tape.param(gain), bias: tape.param(bias),
                     runningMean: runningMean, runningVar: runningVar, training: false)
    }
    #expect(result.passed, "\(shape): \(result)")
  }
}
