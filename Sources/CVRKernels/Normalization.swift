// Layer norm (statistics per row) and batch norm (statistics per column), forward
// and backward. Means and variances accumulate in Double, two-pass, and the mean
// is kept as a Float pair (value, rounding residual): x − μ = (x − hi) − lo stays
// exact in Float for rows or features of large mean and small spread.
//
// The entry points run the C vector kernels (CVecKernels, the CPU's widest level);
// the Swift bodies stay as `reference…`, which the tests compare every level against
// (batch norm bit for bit; layer norm's Double sums add in another order).
import CVecKernels
import RealModule

/// A Double mean as the nearest Float and its Float residual: hi + lo ≈ mean to ~48 bits.
@inline(__always)
private func splitMean(_ mean: Double) -> (hi: Float, lo: Float) {
  let hi = Float(mean)
  return (hi, Float(mean - Double(hi)))
}

package enum LayerNorm {
  /// `referenceForward` in wide vectors (`kernels`: a level of CVecKernels).
  @inline(__always)
  package static func forward(
    _ x: UnsafePointer<Float>, rows: Int, cols: Int, gain: UnsafePointer<Float>?, bias: UnsafePointer<Float>?,
    epsilon: Float, into y: UnsafeMutablePointer<Float>,
    mean: UnsafeMutablePointer<Float>?, inverseStd: UnsafeMutablePointer<Float>?,
    kernels: UnsafePointer<cvec_kernels> = VectorKernels.best
  ) {
    kernels.pointee.layer_norm_forward(x, rows, cols, gain, bias, epsilon, y, mean, inverseStd)
  }

  /// `referenceBackward` in wide vectors.
  @inline(__always)
  package static func backward(
    _ x: UnsafePointer<Float>, gradOutput dy: UnsafePointer<Float>, rows: Int, cols: Int,
    gain: UnsafePointer<Float>?, mean: UnsafePointer<Float>, inverseStd: UnsafePointer<Float>,
    dx: UnsafeMutablePointer<Float>?, dGain: UnsafeMutablePointer<Float>?, dBias: UnsafeMutablePointer<Float>?,
    kernels: UnsafePointer<cvec_kernels> = VectorKernels.best
  ) {
    kernels.pointee.layer_norm_backward(x, dy, rows, cols, gain, mean, inverseStd, dx, dGain, dBias)
  }

  /// y[i, :] = (x[i, :] − μ_i) · σ_i⁻¹ ⊙ gain + bias, μ_i and σ_i² the mean and
  /// biased variance of row i, σ_i = √(σ_i² + ε).
  ///
  /// Shapes: x, y [rows, cols]; gain, bias [cols] or nil (1 and 0); mean [2, rows]
  /// (the Float means, then their residuals) and inverseStd [rows], or nil
  /// (written for the backward pass when given).
  package static func referenceForward(
    _ x: UnsafePointer<Float>, rows: Int, cols: Int, gain: UnsafePointer<Float>?, bias: UnsafePointer<Float>?,
    epsilon: Float, into y: UnsafeMutablePointer<Float>,
    mean savedMean: UnsafeMutablePointer<Float>?, inverseStd savedInverseStd: UnsafeMutablePointer<Float>?
  ) {
    for i in 0..<rows {
      let row = x + i * cols, out = y + i * cols
      var sum: Double = 0
      for j in 0..<cols { sum = Relaxed.sum(sum, Double(row[j])) }
      let mean = sum / Double(cols)
      var squares: Double = 0
      for j in 0..<cols {
        let d = Double(row[j]) - mean
        squares = Relaxed.multiplyAdd(d, d, squares)
      }
      let inverseStd = Float(1 / (squares / Double(cols) + Double(epsilon)).squareRoot())
      let (hi, lo) = splitMean(mean)
      for j in 0..<cols { out[j] = ((row[j] - hi) - lo) * inverseStd }
      if let gain { for j in 0..<cols { out[j] *= gain[j] } }
      if let bias { for j in 0..<cols { out[j] += bias[j] } }
      savedMean?[i] = hi
      savedMean?[rows + i] = lo
      savedInverseStd?[i] = inverseStd
    }
  }

  /// Adds the layer-norm gradients, with x̂ = (x − μ)·σ⁻¹ and g = dy ⊙ gain:
  /// dx += σ⁻¹ · (g − mean_j(g) − x̂ · mean_j(g ⊙ x̂)), dGain += Σ_rows dy ⊙ x̂,
  /// dBias += Σ_rows dy.
  ///
  /// Shapes as in `forward`; mean and inverseStd are the ones it saved. Any of
  /// dx, dGain, dBias may be nil (not wanted).
  package static func referenceBackward(
    _ x: UnsafePointer<Float>, gradOutput dy: UnsafePointer<Float>, rows: Int, cols: Int,
    gain: UnsafePointer<Float>?, mean: UnsafePointer<Float>, inverseStd: UnsafePointer<Float>,
    dx: UnsafeMutablePointer<Float>?, dGain: UnsafeMutablePointer<Float>?, dBias: UnsafeMutablePointer<Float>?
  ) {
    for i in 0..<rows {
      let row = x + i * cols, dRow = dy + i * cols
      let hi = mean[i], lo = mean[rows + i], inv = inverseStd[i]
      if let dGain { for j in 0..<cols { dGain[j] += dRow[j] * ((row[j] - hi) - lo) * inv } }
      if let dBias { for j in 0..<cols { dBias[j] += dRow[j] } }
      guard let dx else { continue }
      var sumG: Double = 0, sumGX: Double = 0
      for j in 0..<cols {
        let g = gain.map { dRow[j] * $0[j] } ?? dRow[j]
        sumG = Relaxed.sum(sumG, Double(g))
        sumGX = Relaxed.sum(sumGX, Double(g * ((row[j] - hi) - lo) * inv))
      }
      let meanG = Float(sumG / Double(cols)), meanGX = Float(sumGX / Double(cols))
      let out = dx + i * cols
      for j in 0..<cols {
        let g = gain.map { dRow[j] * $0[j] } ?? dRow[j]
        out[j] += inv * (g - meanG - ((row[j] - hi) - lo) * inv * meanGX)
      }
    }
  }
}

/// Batch norm over rows: x is [rows, cols] and each column (feature) has its own
/// statistics. Columns are walked with stride `cols`, one at a time, so no scratch
/// per column is needed and the sums stay in Double registers.
package enum BatchNorm {
  /// `referenceTrainingForward` in wide vectors (`kernels`: a level of CVecKernels), bit for bit.
  @inline(__always)
  package static func trainingForward(
    _ x: UnsafePointer<Float>, rows: Int, cols: Int, gain: UnsafePointer<Float>?, bias: UnsafePointer<Float>?,
    epsilon: Float, momentum: Float,
    runningMean: UnsafeMutablePointer<Float>, runningVariance: UnsafeMutablePointer<Float>,
    into y: UnsafeMutablePointer<Float>,
    mean: UnsafeMutablePointer<Float>?, inverseStd: UnsafeMutablePointer<Float>?,
    kernels: UnsafePointer<cvec_kernels> = VectorKernels.best
  ) {
    precondition(rows >= 2, "BatchNorm: training needs more than one row per feature, got \(rows)")
    kernels.pointee.batch_norm_training_forward(
      x, rows, cols, gain, bias, epsilon, momentum, runningMean, runningVariance, y, mean, inverseStd)
  }

  /// `referenceInferenceForward` in wide vectors, bit for bit.
  @inline(__always)
  package static func inferenceForward(
    _ x: UnsafePointer<Float>, rows: Int, cols: Int, gain: UnsafePointer<Float>?, bias: UnsafePointer<Float>?,
    epsilon: Float, runningMean: UnsafePointer<Float>, runningVariance: UnsafePointer<Float>,
    into y: UnsafeMutablePointer<Float>,
    mean: UnsafeMutablePointer<Float>?, inverseStd: UnsafeMutablePointer<Float>?,
    kernels: UnsafePointer<cvec_kernels> = VectorKernels.best
  ) {
    kernels.pointee.batch_norm_inference_forward(
      x, rows, cols, gain, bias, epsilon, runningMean, runningVariance, y, mean, inverseStd)
  }

  /// `referenceBackward` in wide vectors, bit for bit.
  @inline(__always)
  package static func backward(
    _ x: UnsafePointer<Float>, gradOutput dy: UnsafePointer<Float>, rows: Int, cols: Int,
    gain: UnsafePointer<Float>?, mean: UnsafePointer<Float>, inverseStd: UnsafePointer<Float>,
    batchStatistics: Bool,
    dx: UnsafeMutablePointer<Float>?, dGain: UnsafeMutablePointer<Float>?, dBias: UnsafeMutablePointer<Float>?,
    kernels: UnsafePointer<cvec_kernels> = VectorKernels.best
  ) {
    kernels.pointee.batch_norm_backward(x, dy, rows, cols, gain, mean, inverseStd, batchStatistics ? 1 : 0, dx,
                                        dGain, dBias)
  }

  /// Training: y[:, j] = (x[:, j] − μ_j)·σ_j⁻¹·gain_j + bias_j with the batch mean and
  /// biased variance; then running = (1 − momentum)·running + momentum·batch, the
  /// running variance taking the unbiased variance (PyTorch's convention).
  ///
  /// Shapes: x, y [rows, cols] with rows ≥ 2; gain, bias [cols] or nil; running
  /// statistics [cols], updated in place; mean [2, cols] (values, then residuals)
  /// and inverseStd [cols], or nil (saved for backward).
  package static func referenceTrainingForward(
    _ x: UnsafePointer<Float>, rows: Int, cols: Int, gain: UnsafePointer<Float>?, bias: UnsafePointer<Float>?,
    epsilon: Float, momentum: Float,
    runningMean: UnsafeMutablePointer<Float>, runningVariance: UnsafeMutablePointer<Float>,
    into y: UnsafeMutablePointer<Float>,
    mean savedMean: UnsafeMutablePointer<Float>?, inverseStd savedInverseStd: UnsafeMutablePointer<Float>?
  ) {
    precondition(rows >= 2, "BatchNorm: training needs more than one row per feature, got \(rows)")
    for j in 0..<cols {
      var sum: Double = 0
      for i in 0..<rows { sum += Double(x[i * cols + j]) }
      let mean = sum / Double(rows)
      var squares: Double = 0
      for i in 0..<rows {
        let d = Double(x[i * cols + j]) - mean
        squares += d * d
      }
      let inverseStd = Float(1 / (squares / Double(rows) + Double(epsilon)).squareRoot())
      let (hi, lo) = splitMean(mean)
      normalizeColumn(x, j, rows: rows, cols: cols, mean: hi, residual: lo, inverseStd: inverseStd,
                      gain: gain?[j] ?? 1, bias: bias?[j] ?? 0, into: y)
      runningMean[j] = Float((1 - Double(momentum)) * Double(runningMean[j]) + Double(momentum) * mean)
      runningVariance[j] = Float(
        (1 - Double(momentum)) * Double(runningVariance[j]) + Double(momentum) * squares / Double(rows - 1))
      savedMean?[j] = hi
      savedMean?[cols + j] = lo
      savedInverseStd?[j] = inverseStd
    }
  }

  /// Inference: y[:, j] = (x[:, j] − runningMean_j)·(runningVariance_j + ε)^(−½)·gain_j + bias_j.
  ///
  /// Shapes as in `trainingForward`; the running statistics are only read.
  package static func referenceInferenceForward(
    _ x: UnsafePointer<Float>, rows: Int, cols: Int, gain: UnsafePointer<Float>?, bias: UnsafePointer<Float>?,
    epsilon: Float, runningMean: UnsafePointer<Float>, runningVariance: UnsafePointer<Float>,
    into y: UnsafeMutablePointer<Float>,
    mean savedMean: UnsafeMutablePointer<Float>?, inverseStd savedInverseStd: UnsafeMutablePointer<Float>?
  ) {
    for j in 0..<cols {
      let inverseStd = 1 / (runningVariance[j] + epsilon).squareRoot()
      normalizeColumn(x, j, rows: rows, cols: cols, mean: runningMean[j], residual: 0, inverseStd: inverseStd,
                      gain: gain?[j] ?? 1, bias: bias?[j] ?? 0, into: y)
      savedMean?[j] = runningMean[j]
      savedMean?[cols + j] = 0
      savedInverseStd?[j] = inverseStd
    }
  }

  @inline(__always)
  private static func normalizeColumn(
    _ x: UnsafePointer<Float>, _ j: Int, rows: Int, cols: Int, mean: Float, residual: Float, inverseStd: Float,
    gain: Float, bias: Float, into y: UnsafeMutablePointer<Float>
  ) {
    let scale = inverseStd * gain
    for i in 0..<rows { y[i * cols + j] = ((x[i * cols + j] - mean) - residual) * scale + bias }
  }

  /// Adds the batch-norm gradients, with x̂ = (x − μ)·σ⁻¹ per column:
  /// dGain_j += Σ_i dy·x̂, dBias_j += Σ_i dy, and
  /// dx += gain·σ⁻¹·(dy − mean_i(dy) − x̂·mean_i(dy·x̂)) with batch statistics, or
  /// dx += gain·σ⁻¹·dy with running statistics (they are constants then).
  ///
  /// Shapes as in the forwards; mean [2, cols] and inverseStd [cols] are the ones they saved.
  package static func referenceBackward(
    _ x: UnsafePointer<Float>, gradOutput dy: UnsafePointer<Float>, rows: Int, cols: Int,
    gain: UnsafePointer<Float>?, mean: UnsafePointer<Float>, inverseStd: UnsafePointer<Float>,
    batchStatistics: Bool,
    dx: UnsafeMutablePointer<Float>?, dGain: UnsafeMutablePointer<Float>?, dBias: UnsafeMutablePointer<Float>?
  ) {
    for j in 0..<cols {
      let hi = mean[j], lo = mean[cols + j], inv = inverseStd[j]
      var sumDy: Double = 0, sumDyX: Double = 0
      for i in 0..<rows {
        let g = dy[i * cols + j]
        sumDy += Double(g)
        sumDyX += Double(g * ((x[i * cols + j] - hi) - lo) * inv)
      }
      dGain?[j] += Float(sumDyX)
      dBias?[j] += Float(sumDy)
      guard let dx else { continue }
      let scale = (gain?[j] ?? 1) * inv
      let meanDy = batchStatistics ? Float(sumDy / Double(rows)) : 0
      let meanDyX = batchStatistics ? Float(sumDyX / Double(rows)) : 0
      for i in 0..<rows {
        let k = i * cols + j
        dx[k] += scale * (dy[k] - meanDy - ((x[k] - hi) - lo) * inv * meanDyX)
      }
    }
  }
}
