// Matrix products: matmul with either operand transposed, batched matmul, and
// the fused linear layer y = x·Wᵀ + b. All products go through `Gemm`, and
// every backward accumulates with beta = 1 straight into the gradient buffers.
import CVRKernels

extension Tape {
  /// C = op(A) · op(B).
  ///
  /// Shapes: A is [m, k] ([k, m] when `transposeA`), B is [k, n] ([n, k] when
  /// `transposeB`); C is [m, n]. Without `transposeA`, A may have leading axes
  /// ([batch, seqLen, k] → [batch, seqLen, n]), flattened into m.
  public func matmul(_ a: Tensor, _ b: Tensor, transposeA: Bool = false, transposeB: Bool = false) -> Tensor {
    precondition(b.shape.rank == 2, "matmul: B must be a matrix, got \(b.shape)")
    precondition(!transposeA || a.shape.rank == 2, "matmul: a transposed A must be a matrix, got \(a.shape)")
    let k = transposeA ? a.shape[0] : a.shape.last
    let m = transposeA ? a.shape[1] : a.shape.rows
    let (bk, n) = transposeB ? (b.shape[1], b.shape[0]) : (b.shape[0], b.shape[1])
    precondition(k == bk, "matmul: inner sizes differ, A \(a.shape)\(transposeA ? "ᵀ" : "") · B \(b.shape)\(transposeB ? "ᵀ" : "")")
    let outShape = transposeA ? Shape(m, n) : a.shape.replacing(-1, with: n)
    let out = empty(outShape)
    Gemm.multiply(Transpose(transposeA), Transpose(transposeB), m: m, n: n, k: k, a: a.data, b: b.data, c: out.data)
    var node = Node(MatmulOp.self, output: out, a, b)
    node.ints = (m, n, k, (transposeA ? 1 : 0) | (transposeB ? 2 : 0))
    return record(node)
  }

  /// C[i] = op(A[i]) · op(B[i]) for every matrix i of a batch.
  ///
  /// Shapes: A [..., m, k] ([..., k, m] when `transposeA`), B [..., k, n]
  /// ([..., n, k] when `transposeB`), with the same leading axes; C [..., m, n].
  public func batchedMatmul(_ a: Tensor, _ b: Tensor, transposeA: Bool = false, transposeB: Bool = false) -> Tensor {
    precondition(a.shape.rank >= 3 && a.shape.rank == b.shape.rank, "batchedMatmul: need equal ranks ≥ 3, got \(a.shape) and \(b.shape)")
    let r = a.shape.rank
    var batch = 1
    for i in 0..<(r - 2) {
      precondition(a.shape[i] == b.shape[i], "batchedMatmul: batch axes differ, \(a.shape) and \(b.shape)")
      batch *= a.shape[i]
    }
    let (m, k) = transposeA ? (a.shape[r - 1], a.shape[r - 2]) : (a.shape[r - 2], a.shape[r - 1])
    let (bk, n) = transposeB ? (b.shape[r - 1], b.shape[r - 2]) : (b.shape[r - 2], b.shape[r - 1])
    precondition(k == bk, "batchedMatmul: inner sizes differ, \(a.shape) · \(b.shape)")
    let out = empty(a.shape.replacing(r - 2, with: m).replacing(r - 1, with: n))
    let (ta, tb) = (Transpose(transposeA), Transpose(transposeB))
    for i in 0..<batch {
      Gemm.multiply(ta, tb, m: m, n: n, k: k, a: a.data + i * m * k, b: b.data + i * k * n, c: out.data + i * m * n)
    }
    var node = Node(BatchedMatmulOp.self, output: out, a, b)
    node.ints = (m, n, k, (transposeA ? 1 : 0) | (transposeB ? 2 : 0))
    node.floats.0 = Float(batch)
    return record(node)
  }

  /// y = x · Wᵀ + b, the fully connected layer.
  ///
  /// Shapes: x [..., inDim], weight [outDim, inDim] (PyTorch's layout), bias [outDim]
  /// or nil; y [..., outDim].
  public func linear(_ x: Tensor, weight: Tensor, bias: Tensor?) -> Tensor {
    precondition(weight.shape.rank == 2 && weight.shape[1] == x.shape.last,
                 "linear: weight \(weight.shape) does not take inputs \(x.shape)")
    let (m, k, n) = (x.shape.rows, x.shape.last, weight.shape[0])
    let out = empty(x.shape.replacing(-1, with: n))
    var beta: Float = 0
    if let bias {
      precondition(bias.count == n, "linear: bias \(bias.shape) for \(n) outputs")
      for row in 0..<m { (out.data + row * n).update(from: bias.data, count: n) }
      beta = 1
    }
    Gemm.multiply(.none, .transposed, m: m, n: n, k: k, a: x.data, b: weight.data, beta: beta, c: out.data)
    var node = Node(LinearOp.self, output: out, x, weight, bias)
    node.ints = (m, n, k, 0)
    return record(node)
  }
}

/// Backward of C = op(A)·op(B); ints = (m, n, k, transpose bits).
enum MatmulOp: DifferentiableOp {
  static func backward(_ node: borrowing Node, gradOutput: UnsafeMutablePointer<Float>, tape: Tape) {
    let (m, n, k, bits) = node.ints
    accumulateProductGradients(
      dC: gradOutput, a: node.a!.data, b: node.b!.data, dA: tape.gradient(node.a), dB: tape.gradient(node.b),
      m: m, n: n, k: k, transposeA: bits & 1 != 0, transposeB: bits & 2 != 0)
  }
}

/// Backward of a batch of products; floats.0 = batch count.
enum BatchedMatmulOp: DifferentiableOp {
  static func backward(_ node: borrowing Node, gradOutput: UnsafeMutablePointer<Float>, tape: Tape) {
    let (m, n, k, bits) = node.ints
    let dA = tape.gradient(node.a), dB = tape.gradient(node.b)
    let a = node.a!.data, b = node.b!.data
    for i in 0..<Int(node.floats.0) {
      accumulateProductGradients(
        dC: gradOutput + i * m * n, a: a + i * m * k, b: b + i * k * n,
        dA: dA.map { $0 + i * m * k }, dB: dB.map { $0 + i * k * n },
        m: m, n: n, k: k, transposeA: bits & 1 != 0, transposeB: bits & 2 != 0)
    }
  }
}

/// Backward of y = x·Wᵀ + b: dx += dy·W, dW += dyᵀ·x, db += column sums of dy.
enum LinearOp: DifferentiableOp {
  static func backward(_ node: borrowing Node, gradOutput dy: UnsafeMutablePointer<Float>, tape: Tape) {
    let (m, n, k, _) = node.ints
    if let dx = tape.gradient(node.a) {
      Gemm.multiply(.none, .none, m: m, n: k, k: n, a: dy, b: node.b!.data, beta: 1, c: dx)
    }
    if let dW = tape.gradient(node.b) {
      Gemm.multiply(.transposed, .none, m: n, n: k, k: m, a: dy, b: node.a!.data, beta: 1, c: dW)
    }
    if let db = tape.gradient(node.c) {
      Reduce.addColumnSums(dy, rows: m, cols: n, into: db)
    }
  }
}

/// dA += dC·op(B)ᵀ (or its transpose) and dB += op(A)ᵀ·dC (or its transpose), for
/// C[m, n] = op(A)[m, k] · op(B)[k, n] with A, B stored as the flags say.
func accumulateProductGradients(
  dC: UnsafeMutablePointer<Float>, a: UnsafePointer<Float>, b: UnsafePointer<Float>,
  dA: UnsafeMutablePointer<Float>?, dB: UnsafeMutablePointer<Float>?,
  m: Int, n: Int, k: Int, transposeA: Bool, transposeB: Bool
) {
  if let dA {
    if transposeA {
      // A stored [k, m]: dA = op(B) · dCᵀ.
      Gemm.multiply(Transpose(transposeB), .transposed, m: k, n: m, k: n, a: b, b: dC, beta: 1, c: dA)
    } else {
      // A stored [m, k]: dA = dC · op(B)ᵀ.
      Gemm.multiply(.none, Transpose(!transposeB), m: m, n: k, k: n, a: dC, b: b, beta: 1, c: dA)
    }
  }
  if let dB {
    if transposeB {
      // B stored [n, k]: dB = dCᵀ · op(A).
      Gemm.multiply(.transposed, Transpose(transposeA), m: n, n: k, k: m, a: dC, b: a, beta: 1, c: dB)
    } else {
      // B stored [k, n]: dB = op(A)ᵀ · dC.
      Gemm.multiply(Transpose(!transposeA), .none, m: k, n: n, k: m, a: a, b: dC, beta: 1, c: dB)
    }
  }
}
