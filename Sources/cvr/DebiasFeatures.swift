// The side features of `cvr debias train` as the MF's MLP reads them: the row
// [x_u; x_i] of each scored (user, item) cell, gathered into a step tensor.
import CVRAutograd
import CVRRatings

/// The user and item feature matrices of a ratings data set (either may be absent).
struct DebiasFeatures {
  let users: FeatureMatrix?
  let items: FeatureMatrix?

  init(_ data: RatingsDataset) {
    users = data.userFeatures
    items = data.itemFeatures
  }

  /// Columns of [x_u; x_i] (0: no features, the plain MF).
  var width: Int { (users?.width ?? 0) + (items?.width ?? 0) }

  /// [count, width] rows [x_u; x_i] for the cells (u[k], i[k]) in step memory, nil without features.
  func batch(_ u: UnsafePointer<Int32>, _ i: UnsafePointer<Int32>, count: Int, _ tape: Tape) -> Tensor? {
    let w = width
    guard w > 0 else { return nil }
    let out = tape.empty(Shape(count, w))
    let wu = users?.width ?? 0
    for k in 0..<count {
      let row = out.data + k * w
      if let users {
        users.values.withUnsafeBufferPointer { v in (row).update(from: v.baseAddress! + Int(u[k]) * wu, count: wu) }
      }
      if let items {
        items.values.withUnsafeBufferPointer { v in
          (row + wu).update(from: v.baseAddress! + Int(i[k]) * items.width, count: items.width)
        }
      }
    }
    return out
  }

  /// `batch` over whole index arrays.
  func batch(_ u: [Int32], _ i: [Int32], _ tape: Tape) -> Tensor? {
    u.withUnsafeBufferPointer { ub in
      i.withUnsafeBufferPointer { ib in batch(ub.baseAddress!, ib.baseAddress!, count: u.count, tape) }
    }
  }
}
