// TensorFlow Serving's REST predict API: `{"instances": [{column: value}, …]}`
// (the row format, answered with "predictions") or `{"inputs": {column:
// [values]}}` (the columnar format, answered with "outputs"). With one output
// (pcvr only) a prediction is a bare number, as TF-Serving answers a
// single-output signature; with several it is an object by output name.
// https://www.tensorflow.org/tfx/serving/api_rest#predict_api
import CVRCore

enum TFServingProtocol {
  struct PredictRequest {
    let rows: RequestRows
    /// The row format ("instances"); false: the columnar ("inputs").
    let rowFormat: Bool
  }

  static func decode(_ body: JSONValue, model: ServedModel, maxRows: Int) throws(ServeError) -> PredictRequest {
    guard case .object(let root) = body else {
      throw .badRequest("the body must be a JSON object with \"instances\" or \"inputs\"")
    }
    for key in root.keys where !["signature_name", "instances", "inputs"].contains(key) {
      throw .badRequest("unknown key '\(key)' (a predict request has signature_name and instances or inputs)")
    }
    if let signature = root["signature_name"], signature != .string("serving_default") {
      throw .badRequest("\"signature_name\" must be \"serving_default\" (the only signature)")
    }
    let inputs = model.inputs
    let known = Set(inputs.map(\.name))
    switch (root["instances"], root["inputs"]) {
    case (.some, .some): throw .badRequest("give either \"instances\" (rows) or \"inputs\" (columns), not both")
    case (nil, nil): throw .badRequest("the body needs \"instances\" (rows) or \"inputs\" (columns)")
    case (.some(let instances), nil):
      guard case .array(let list) = instances else { throw .badRequest("\"instances\" must be an array of objects") }
      guard !list.isEmpty else { throw .badRequest("no rows: \"instances\" is empty") }
      guard list.count <= maxRows else { throw ServeError(status: 413, "\(list.count) rows, more than --max-rows \(maxRows)") }
      var objects: [JSONObject] = []
      objects.reserveCapacity(list.count)
      for (row, item) in list.enumerated() {
        guard case .object(let object) = item else {
          throw .badRequest("an instance must be an object {column: value}, got \(RequestRows.typeName(item))", row: row)
        }
        for key in object.keys where !known.contains(key) {
          throw .badRequest("unknown column (the model reads \(inputs.map(\.name)))", row: row, field: key)
        }
        objects.append(object)
      }
      let rows = try RequestRows(rows: list.count, inputs: inputs) { (row, k) throws(ServeError) in
        objects[row][inputs[k].name]
      }
      return PredictRequest(rows: rows, rowFormat: true)
    case (nil, .some(let columnsValue)):
      guard case .object(let columns) = columnsValue else {
        throw .badRequest("\"inputs\" must be an object {column: [values]}")
      }
      var count: Int? = nil
      var data: [[JSONValue]?] = Array(repeating: nil, count: inputs.count)
      for (name, value) in columns {
        guard let k = inputs.firstIndex(where: { $0.name == name }) else {
          throw .badRequest("unknown column (the model reads \(inputs.map(\.name)))", field: name)
        }
        guard case .array(let values) = value else {
          throw .badRequest("a column of \"inputs\" must be an array of one value per row", field: name)
        }
        guard values.count <= maxRows else {
          throw ServeError(status: 413, "\(values.count) rows, more than --max-rows \(maxRows)", field: name)
        }
        if let count, count != values.count {
          throw .badRequest("\(values.count) values, but the first column has \(count)", field: name)
        }
        count = values.count
        data[k] = values
      }
      guard let count, count > 0 else { throw .badRequest("no rows: \"inputs\" has no values") }
      let rows = try RequestRows(rows: count, inputs: inputs) { (row, k) throws(ServeError) in data[k]?[row] }
      return PredictRequest(rows: rows, rowFormat: false)
    }
  }

  static func response(_ scores: ScoredRows, request: PredictRequest) -> [UInt8] {
    let n = request.rows.rowCount
    var w = ResponseWriter(capacity: 64 + scores.values.count * n * 24)
    let single = scores.heads.count == 1
    if request.rowFormat {
      w.raw("{\"predictions\":")
      if single {
        w.numbers(scores.values[0])
      } else {
        w.raw("[")
        for i in 0..<n {
          if i > 0 { w.raw(",") }
          w.raw("{")
          for (h, head) in scores.heads.enumerated() {
            if h > 0 { w.raw(",") }
            w.string(head.outputName)
            w.raw(":")
            w.number(scores.values[h][i])
          }
          w.raw("}")
        }
        w.raw("]")
      }
      w.raw("}")
    } else {
      w.raw("{\"outputs\":")
      if single {
        w.numbers(scores.values[0])
      } else {
        w.raw("{")
        for (h, head) in scores.heads.enumerated() {
          if h > 0 { w.raw(",") }
          w.string(head.outputName)
          w.raw(":")
          w.numbers(scores.values[h])
        }
        w.raw("}")
      }
      w.raw("}")
    }
    return w.bytes
  }
}
