// A minimal SVG text builder: elements appended in order, numbers in a fixed
// format and text escaped for XML, so the same plot always gives the same bytes.
import CVRMetrics

/// An SVG document under construction (internal: plots build on it).
struct SVGDocument {
  let width: Double
  let height: Double
  private var elements: [String] = []

  init(width: Double, height: Double) {
    self.width = width
    self.height = height
  }

  /// Appends raw markup (callers pass only text built with `SVGFormat`).
  mutating func add(_ element: String) { elements.append(element) }

  mutating func rect(
    x: Double, y: Double, width: Double, height: Double, fill: String, stroke: String? = nil,
    strokeWidth: Double = 1, extra: String = ""
  ) {
    var element = "<rect x=\"\(n(x))\" y=\"\(n(y))\" width=\"\(n(width))\" height=\"\(n(height))\" fill=\"\(fill)\""
    if let stroke { element += " stroke=\"\(stroke)\" stroke-width=\"\(n(strokeWidth))\"" }
    if !extra.isEmpty { element += " " + extra }
    add(element + "/>")
  }

  mutating func line(
    _ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double, stroke: String, width: Double = 1, dash: String? = nil
  ) {
    var element = "<line x1=\"\(n(x1))\" y1=\"\(n(y1))\" x2=\"\(n(x2))\" y2=\"\(n(y2))\" stroke=\"\(stroke)\""
    element += " stroke-width=\"\(n(width))\""
    if let dash { element += " stroke-dasharray=\"\(dash)\"" }
    add(element + "/>")
  }

  mutating func polyline(_ points: [(Double, Double)], stroke: String, width: Double, dash: String?, extra: String = "") {
    let coordinates = points.map { "\(n($0.0)),\(n($0.1))" }.joined(separator: " ")
    var element = "<polyline points=\"\(coordinates)\" fill=\"none\" stroke=\"\(stroke)\" stroke-width=\"\(n(width))\""
    element += " stroke-linejoin=\"round\""
    if let dash { element += " stroke-dasharray=\"\(dash)\"" }
    if !extra.isEmpty { element += " " + extra }
    add(element + "/>")
  }

  mutating func circle(cx: Double, cy: Double, r: Double, fill: String, stroke: String = "white", extra: String = "") {
    var element = "<circle cx=\"\(n(cx))\" cy=\"\(n(cy))\" r=\"\(n(r))\" fill=\"\(fill)\" stroke=\"\(stroke)\""
    if !extra.isEmpty { element += " " + extra }
    add(element + " stroke-width=\"0.8\"/>")
  }

  /// Text at (x, y) (baseline); `anchor` start/middle/end; `rotate` degrees about (x, y).
  mutating func text(
    _ content: String, x: Double, y: Double, size: Double = 12, anchor: String = "start", weight: String? = nil,
    fill: String = "#222222", rotate: Double? = nil, style: String? = nil
  ) {
    var element = "<text x=\"\(n(x))\" y=\"\(n(y))\" font-size=\"\(n(size))\" text-anchor=\"\(anchor)\" fill=\"\(fill)\""
    if let weight { element += " font-weight=\"\(weight)\"" }
    if let style { element += " font-style=\"\(style)\"" }
    if let rotate { element += " transform=\"rotate(\(n(rotate)) \(n(x)) \(n(y)))\"" }
    add(element + ">\(SVGFormat.escape(content))</text>")
  }

  /// The complete file: XML declaration, root with size and viewBox, white background, elements.
  func rendered() -> String {
    var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    out += "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(n(width))\" height=\"\(n(height))\""
    out += " viewBox=\"0 0 \(n(width)) \(n(height))\" font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\">\n"
    out += "<rect x=\"0\" y=\"0\" width=\"\(n(width))\" height=\"\(n(height))\" fill=\"white\"/>\n"
    for element in elements { out += element + "\n" }
    return out + "</svg>\n"
  }

  private func n(_ value: Double) -> String { SVGFormat.number(value) }
}

/// Fixed formatting shared by every SVG writer.
public enum SVGFormat {
  /// A coordinate with at most two decimals, trailing zeros dropped ("12", "12.5",
  /// "12.25"); never "-0". Non-finite values become "0" (they are filtered before
  /// drawing; this only keeps the XML valid).
  public static func number(_ value: Double) -> String {
    guard value.isFinite else { return "0" }
    let hundredths = Int((value * 100).rounded())
    if hundredths == 0 { return "0" }
    let sign = hundredths < 0 ? "-" : ""
    let magnitude = abs(hundredths)
    let whole = magnitude / 100
    let fraction = magnitude % 100
    if fraction == 0 { return "\(sign)\(whole)" }
    if fraction % 10 == 0 { return "\(sign)\(whole).\(fraction / 10)" }
    return "\(sign)\(whole).\(fraction < 10 ? "0" : "")\(fraction)"
  }

  /// Text safe inside an XML element or a double-quoted attribute: & < > " ' escaped.
  public static func escape(_ text: String) -> String {
    var out = ""
    out.reserveCapacity(text.count)
    for character in text {
      switch character {
      case "&": out += "&amp;"
      case "<": out += "&lt;"
      case ">": out += "&gt;"
      case "\"": out += "&quot;"
      case "'": out += "&apos;"
      default:
        // Control characters other than tab/newline are not allowed in XML 1.0 at all.
        if let ascii = character.asciiValue, ascii < 0x20, ascii != 0x09, ascii != 0x0A { out += " " } else {
          out.append(character)
        }
      }
    }
    return out
  }

  /// Rough rendered width of `text` at `size` px: layout uses it to size margins
  /// and legends (no font metrics without a renderer; 0.6 em per character errs wide).
  static func estimatedWidth(_ text: String, size: Double) -> Double { Double(text.count) * size * 0.6 }
}
