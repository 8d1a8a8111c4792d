// The one file that calls the XGBoost C API: owned DMatrix and Booster handles
// (freed in deinit) and a check that turns every non-zero return into a Swift error.
import CVRData
import CXGBoost

/// Throws `XGBoostError.library` with `XGBGetLastError()`'s message when `code` ≠ 0.
/// The message is thread-local in XGBoost, so it is read right after the failing call.
@inline(__always)
func checkXGB(_ code: Int32, _ call: String) throws {
  guard code != 0 else { return }
  let message = XGBGetLastError().map { String(cString: $0) } ?? "(no message)"
  throw XGBoostError.library(call: call, message: message)
}

/// A dense XGBoost matrix. NaN entries are missing values (XGBoost learns a
/// default direction for them at every split).
final class XGBMatrix {
  private(set) var handle: DMatrixHandle?

  /// Copies `features` (row-major, rows × cols) into a new DMatrix.
  init(features: UnsafeBufferPointer<Float>, rows: Int, cols: Int) throws {
    var out: DMatrixHandle?
    try checkXGB(
      XGDMatrixCreateFromMat(features.baseAddress, bst_ulong(rows), bst_ulong(cols), Float.nan, &out),
      "XGDMatrixCreateFromMat")
    handle = out
  }

  /// Sets the per-row "label" field (rows values).
  func setLabels(_ labels: UnsafeBufferPointer<Float>) throws {
    try checkXGB(
      XGDMatrixSetFloatInfo(handle, "label", labels.baseAddress, bst_ulong(labels.count)),
      "XGDMatrixSetFloatInfo(label)")
  }

  deinit { if let handle { XGDMatrixFree(handle) } }
}

/// A booster (the model). XGBoost holds the training matrix through its own
/// reference-counted pointers, so freeing our DMatrix handle after training is
/// safe (the save/load and predict tests run after it is freed).
final class XGBBooster {
  private(set) var handle: BoosterHandle?

  /// A booster that will train on `cache` (nil: an empty booster to load into).
  init(cache: XGBMatrix?) throws {
    var out: BoosterHandle?
    if let matrix = cache {
      var dmats: [DMatrixHandle?] = [matrix.handle]
      try checkXGB(XGBoosterCreate(&dmats, 1, &out), "XGBoosterCreate")
    } else {
      try checkXGB(XGBoosterCreate(nil, 0, &out), "XGBoosterCreate")
    }
    handle = out
  }

  func setParam(_ name: String, _ value: String) throws {
    try checkXGB(XGBoosterSetParam(handle, name, value), "XGBoosterSetParam(\(name)=\(value))")
  }

  /// One boosting round; invalid parameters surface here (XGBoost configures lazily).
  func updateOneIter(_ iteration: Int, _ train: XGBMatrix) throws {
    try checkXGB(XGBoosterUpdateOneIter(handle, Int32(iteration), train.handle), "XGBoosterUpdateOneIter")
  }

  /// Number of feature columns the model expects.
  func featureCount() throws -> Int {
    var count: bst_ulong = 0
    try checkXGB(XGBoosterGetNumFeature(handle, &count), "XGBoosterGetNumFeature")
    return Int(count)
  }

  /// Margin-transformed predictions (probabilities for binary:logistic), one per row.
  func predict(_ matrix: XGBMatrix) throws -> [Float] {
    var length: bst_ulong = 0
    var result: UnsafePointer<Float>?
    // option_mask 0 (transformed output), ntree_limit 0 (all trees), training 0.
    try checkXGB(XGBoosterPredict(handle, matrix.handle, 0, 0, 0, &length, &result), "XGBoosterPredict")
    // The buffer belongs to the booster and dies at its next call: copy it out now.
    guard let result else { return [] }
    return Array(UnsafeBufferPointer(start: result, count: Int(length)))
  }

  /// The model in XGBoost's JSON model format.
  func saveToBuffer() throws -> [UInt8] {
    var length: bst_ulong = 0
    var bytes: UnsafePointer<CChar>?
    try checkXGB(
      XGBoosterSaveModelToBuffer(handle, #"{"format": "json"}"#, &length, &bytes), "XGBoosterSaveModelToBuffer")
    guard let bytes else { return [] }
    return bytes.withMemoryRebound(to: UInt8.self, capacity: Int(length)) {
      Array(UnsafeBufferPointer(start: $0, count: Int(length)))
    }
  }

  /// Replaces the model with one in any format XGBoost reads (JSON, UBJSON, legacy binary).
  func loadFromBuffer(_ bytes: UnsafeRawBufferPointer) throws {
    try checkXGB(
      XGBoosterLoadModelFromBuffer(handle, bytes.baseAddress, bst_ulong(bytes.count)), "XGBoosterLoadModelFromBuffer")
  }

  deinit { if let handle { XGBoosterFree(handle) } }
}
