// ROC curve points for plots: one point per distinct score threshold.

/// The ROC curve as (false-positive rate, true-positive rate) points.
public enum ROCCurve {
  /// Points at every distinct threshold, from the highest score down: the curve
  /// starts at (0, 0), each run of equal scores moves it to
  /// (FP/N, TP/P) counted over rows with score ≥ that run's score, and it ends at
  /// (1, 1). Tied scores form one diagonal step, so the trapezoid area under
  /// these points equals `AUC.compute`. Returns empty arrays when there is no
  /// positive or no negative (the rates are undefined).
  public static func points(scores: [Double], labels: [Bool]) -> (fpr: [Double], tpr: [Double]) {
    precondition(scores.count == labels.count, "scores.count \(scores.count) ≠ labels.count \(labels.count)")
    let positives = labels.reduce(0) { $0 + ($1 ? 1 : 0) }
    let negatives = labels.count - positives
    guard positives > 0, negatives > 0 else { return ([], []) }
    let order = ScoreOrder(scores: scores)
    var fpr = [0.0], tpr = [0.0]
    fpr.reserveCapacity(order.groupCount + 1)
    tpr.reserveCapacity(order.groupCount + 1)
    var tp = 0, fp = 0
    for g in stride(from: order.groupCount - 1, through: 0, by: -1) {
      for k in Int(order.groupStarts[g])..<Int(order.groupStarts[g + 1]) {
        if labels[Int(order.rows[k])] { tp += 1 } else { fp += 1 }
      }
      fpr.append(Double(fp) / Double(negatives))
      tpr.append(Double(tp) / Double(positives))
    }
    return (fpr, tpr)
  }
}
