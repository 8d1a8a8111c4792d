// The data-parallel group a training run belongs to, as the Trainer sees it:
// which share of each global batch is this process's, how the replicas'
// gradients become one, how they agree on a decision. The transport (MPI)
// lives in CVRDistributed; nothing here knows it.
import CVRAutograd

/// N processes training replicas of one model on shares of the same global batches.
///
/// With weights w_r = n_r / B (n_r rows of the global batch of B rows on rank r)
/// and each rank's loss L_r a mean over its n_r rows, Σ_r w_r ∇L_r = ∇((1/B) Σ_i ℓ_i),
/// the gradient one process computes on the whole batch (docs/distributed.md §2).
public protocol ReplicaGroup: AnyObject {
  /// This process's index, 0 ..< size.
  var rank: Int { get }
  /// The number of replicas.
  var size: Int { get }
  /// Makes every gradient of `parameters` (dense and sparse rows) Σ_r weight_r · g_r on every
  /// rank, identically, and returns Σ_r weight_r · loss_r. Every rank calls it once per step.
  func combine(_ parameters: [Parameter], loss: Float, weight: Float) throws -> Float
  /// Rank 0's `values` on every rank (one decision for all).
  func broadcast(_ values: [Double]) throws -> [Double]
  /// Whether `verifyIdentical` runs after every epoch (a debug mode: it costs an exchange).
  var checksReplicas: Bool { get }
  /// Throws when the replicas' `parameters` (values, state included) are not bit-identical.
  func verifyIdentical(_ parameters: [Parameter], context: String) throws
}

