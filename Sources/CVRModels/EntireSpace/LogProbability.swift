// Probabilities kept as (log p, log(1 − p)) pairs, so the entire-space losses
// can multiply and mix tower probabilities and take their cross-entropy
// without ever evaluating log of a product that underflows or rounds to 1.
import CVRAutograd
import CVRKernels

/// A per-sample probability p held as its two logarithms, each a tensor [n].
///
/// Products and mixtures of probabilities are exact identities on the logs
/// (softplus is stable for any argument, so no value is clamped and no
/// gradient is cut):
/// - from a logit z: log σ(z) = −softplus(−z), log(1 − σ(z)) = −softplus(z);
/// - p·q: log = log p + log q, log(1 − pq) = logaddexp(log(1 − p), log p + log(1 − q))
///   (1 − pq = (1 − p) + p(1 − q));
/// - g·p + (1 − g)·q: both logs are a logaddexp of the two branches;
/// - logaddexp(x, y) = x + softplus(y − x).
public struct LogProbability {
  /// log p, [n].
  public var log: Tensor
  /// log(1 − p), [n].
  public var log1m: Tensor

  public init(log: Tensor, log1m: Tensor) {
    self.log = log
    self.log1m = log1m
  }

  /// p = σ(z) for logits z [n].
  public static func sigmoid(_ z: Tensor, _ tape: Tape) -> LogProbability {
    LogProbability(log: tape.neg(tape.softplus(tape.neg(z))), log1m: tape.neg(tape.softplus(z)))
  }

  /// p·q (e.g. pCTCVR = pCTR·pCVR, ESMM Eq. 2).
  public func times(_ q: LogProbability, _ tape: Tape) -> LogProbability {
    LogProbability(log: tape.add(log, q.log),
                   log1m: Self.logAddExp(log1m, tape.add(log, q.log1m), tape))
  }

  /// g·a + (1 − g)·b (ESM2's pCVR = y2·y3 + (1 − y2)·y4).
  public static func mixture(gate g: LogProbability, _ a: LogProbability, _ b: LogProbability, _ tape: Tape)
    -> LogProbability
  {
    LogProbability(log: logAddExp(tape.add(g.log, a.log), tape.add(g.log1m, b.log), tape),
                   log1m: logAddExp(tape.add(g.log, a.log1m), tape.add(g.log1m, b.log1m), tape))
  }

  /// log(e^x + e^y) = x + softplus(y − x), elementwise; exact for finite x, y.
  public static func logAddExp(_ x: Tensor, _ y: Tensor, _ tape: Tape) -> Tensor {
    tape.add(x, tape.softplus(tape.sub(y, x)))
  }

  /// −(1/n) Σ_b w_b (y_b log p_b + (1 − y_b) log(1 − p_b)): the mean binary
  /// cross-entropy against labels y [n] with sample weights w [n] (constants).
  public func crossEntropy(labels y: Tensor, weights w: Tensor, _ tape: Tape) -> Tensor {
    let n = y.count
    let positive = tape.empty(Shape(n)), negative = tape.empty(Shape(n))
    for b in 0..<n {
      positive.data[b] = w.data[b] * y.data[b]
      negative.data[b] = w.data[b] * (1 - y.data[b])
    }
    let total = tape.add(tape.sum(tape.mul(positive, log)), tape.sum(tape.mul(negative, log1m)))
    return tape.scale(total, by: -1 / Float(n))
  }

  /// p itself, written to out[0..<n] (exp of the log; for predictions).
  public func probabilities(into out: UnsafeMutablePointer<Float>) {
    for b in 0..<log.count { out[b] = FastMath.exp(log.data[b]) }
  }
}
