// KServe v2 / Open Inference Protocol: the metadata of a model and the
// columnar infer request (`inputs`, one tensor per schema column) and response
// (`outputs`: pcvr and, where the model has the heads, pctr and pctcvr).
// https://kserve.github.io/website/latest/modelserving/data_plane/v2_protocol/
import CVRCore
import CVRData

enum KServeProtocol {
  /// A decoded infer request: its rows, the outputs asked for (nil: every head) and its id.
  struct InferRequest {
    let rows: RequestRows
    let outputs: [PredictionHeadName]?
    let id: String?
  }
  typealias PredictionHeadName = String

  /// Datatype of an input column on the wire.
  static func datatype(_ spec: ColumnSpec) -> String {
    switch spec.role {
    case .dense: "FP32"
    case .sparse where spec.hashBuckets == nil: "INT64"
    default: "BYTES"
    }
  }

  static let datatypes: Set<String> = [
    "BOOL", "UINT8", "UINT16", "UINT32", "UINT64", "INT8", "INT16", "INT32", "INT64", "FP16", "FP32", "FP64", "BYTES",
  ]

  /// GET /v2/models/{name}.
  static func metadata(_ model: ServedModel) -> JSONValue {
    .object([
      "name": .string(model.name), "versions": .array([.string(String(model.version))]),
      "platform": .string("cvr-engine"),
      "inputs": .array(model.inputs.map { spec in
        .object(["name": .string(spec.name), "datatype": .string(datatype(spec)), "shape": .array([.integer(-1)])])
      }),
      "outputs": .array(model.heads.map { head in
        .object(["name": .string(head.outputName), "datatype": .string("FP32"), "shape": .array([.integer(-1)])])
      }),
      "parameters": .object([
        "kind": .string(model.kind), "display_name": .string(model.displayName), "checksum": .string(model.checksum),
      ]),
    ])
  }

  /// Decodes `{"inputs": [{"name", "shape", "datatype", "data"}], "outputs"?, "id"?, "parameters"?}`.
  static func decode(_ body: JSONValue, model: ServedModel, maxRows: Int) throws(ServeError) -> InferRequest {
    guard case .object(let root) = body else { throw .badRequest("the body must be a JSON object with \"inputs\"") }
    for key in root.keys where !["id", "inputs", "outputs", "parameters"].contains(key) {
      throw .badRequest("unknown key '\(key)' (an infer request has id, inputs, outputs, parameters)")
    }
    var id: String? = nil
    if let value = root["id"] {
      guard case .string(let text) = value else { throw .badRequest("\"id\" must be a string") }
      id = text
    }
    guard case .array(let tensors)? = root["inputs"] else {
      throw .badRequest("\"inputs\" must be an array of tensors {name, shape, datatype, data}")
    }
    var columns: [String: [JSONValue]] = [:]
    var rowCount: Int? = nil
    for (t, tensor) in tensors.enumerated() {
      guard case .object(let fields) = tensor, case .string(let name)? = fields["name"] else {
        throw .badRequest("inputs[\(t)] must be an object with a string \"name\"")
      }
      guard let spec = model.inputs.first(where: { $0.name == name }) else {
        throw .badRequest("unknown input (the model reads \(model.inputs.map(\.name)))", field: name)
      }
      guard columns[name] == nil else { throw .badRequest("input given twice", field: name) }
      guard case .string(let datatype)? = fields["datatype"], datatypes.contains(datatype) else {
        throw .badRequest("\"datatype\" must be one of \(datatypes.sorted()) (\(Self.datatype(spec)) for this column)", field: name)
      }
      guard case .array(let shape)? = fields["shape"], let rows = shape.first.flatMap(Self.dimension),
        shape.count == 1 || (shape.count == 2 && Self.dimension(shape[1]) == 1)
      else { throw .badRequest("\"shape\" must be [rows] or [rows, 1]", field: name) }
      guard rows <= maxRows else {
        throw ServeError(status: 413, "\(rows) rows, more than --max-rows \(maxRows)", field: name)
      }
      guard case .array(var data)? = fields["data"] else { throw .badRequest("\"data\" must be an array", field: name) }
      if shape.count == 2, data.allSatisfy({ if case .array(let a) = $0 { a.count == 1 } else { false } }) {
        data = data.map { if case .array(let a) = $0 { a[0] } else { $0 } }  // [[v], [v]] for shape [n, 1]
      }
      guard data.count == rows else {
        throw .badRequest("\"data\" has \(data.count) elements, \"shape\" says \(rows)", field: name)
      }
      if let rowCount, rowCount != rows {
        throw .badRequest("\(rows) rows, but the first input has \(rowCount)", field: name)
      }
      rowCount = rows
      columns[name] = data
    }
    guard let rowCount, rowCount > 0 else { throw .badRequest("no rows: \"inputs\" is empty or its tensors have shape [0]") }
    var outputs: [String]? = nil
    if let value = root["outputs"] {
      guard case .array(let list) = value else { throw .badRequest("\"outputs\" must be an array of {\"name\"}") }
      outputs = try list.map { (item: JSONValue) throws(ServeError) -> String in
        guard case .string(let name)? = item["name"], model.heads.contains(where: { $0.outputName == name }) else {
          throw .badRequest("each of \"outputs\" must name one of \(model.heads.map(\.outputName))")
        }
        return name
      }
    }
    let inputs = model.inputs
    let data = inputs.map { columns[$0.name] }
    let rows = try RequestRows(rows: rowCount, inputs: inputs) { (row, k) throws(ServeError) in
      guard let column = data[k] else {
        throw .badRequest("missing input (the model reads \(inputs.map(\.name)))", field: inputs[k].name)
      }
      return column[row]
    }
    return InferRequest(rows: rows, outputs: outputs, id: id)
  }

  /// A non-negative integer dimension.
  static func dimension(_ value: JSONValue) -> Int? {
    guard case .number(let number) = value, let n = number.int64, n >= 0, n <= Int64(Int32.max) else { return nil }
    return Int(n)
  }

  /// `{"model_name", "model_version", "id"?, "outputs": [{name, datatype, shape, data}]}`.
  static func response(_ scores: ScoredRows, model: ServedModel, request: InferRequest) -> [UInt8] {
    var w = ResponseWriter(capacity: 128 + scores.values.count * request.rows.rowCount * 12)
    w.raw("{\"model_name\":")
    w.string(model.name)
    w.raw(",\"model_version\":")
    w.string(String(model.version))
    if let id = request.id {
      w.raw(",\"id\":")
      w.string(id)
    }
    w.raw(",\"outputs\":[")
    var first = true
    for (h, head) in scores.heads.enumerated() where request.outputs?.contains(head.outputName) ?? true {
      if !first { w.raw(",") }
      first = false
      w.raw("{\"name\":")
      w.string(head.outputName)
      w.raw(",\"datatype\":\"FP32\",\"shape\":[\(scores.values[h].count)],\"data\":")
      w.numbers(scores.values[h])
      w.raw("}")
    }
    w.raw("]}")
    return w.bytes
  }
}
