import Foundation

/// `--output json | text | table`, byte for byte as the aws CLI (awscli/formatter.py, text.py,
/// table.py) prints a response.
public enum OutputFormat: String, Sendable, CaseIterable {
    case json, text, table
}

public enum OutputFormatter {
    /// Formats `value` (the response after `--query`). `title` is the operation name (table title).
    public static func format(_ value: JSONValue, as format: OutputFormat, title: String, terminalWidth: Int = 80) -> String {
        switch format {
        case .json:
            if value == .object(JSONObject()) { return "" }
            return value.serialized(indent: 4) + "\n"
        case .text:
            var out = ""
            TextFormat.format(value, identifier: nil, scalarKeys: nil, into: &out)
            return out
        case .table:
            var t = TableFormat(terminalWidth: terminalWidth)
            guard t.build(title: title, value, indent: 0) else { return "" }
            return t.render()
        }
    }
}

// MARK: - text (awscli/text.py)

enum TextFormat {
    static func format(_ item: JSONValue, identifier: String?, scalarKeys: [String]?, into out: inout String) {
        switch item {
        case .object(let o): formatDict(o, identifier: identifier, scalarKeys: scalarKeys, into: &out)
        case .array(let a): formatList(a, identifier: identifier, into: &out)
        default: out += item.pythonString + "\n"
        }
    }

    static func formatList(_ items: [JSONValue], identifier: String?, into out: inout String) {
        guard !items.isEmpty else { return }
        if items.contains(where: { $0.objectValue != nil }) {
            var keys = Set<String>()
            for case .object(let o) in items { for e in o.entries where e.value.isScalar { keys.insert(e.key) } }
            let all = keys.sorted()
            for el in items { format(el, identifier: identifier, scalarKeys: all, into: &out) }
        } else if items.contains(where: { $0.arrayValue != nil }) {
            let scalars = items.filter(\.isScalar)
            if !scalars.isEmpty { formatScalarList(scalars, identifier: identifier, into: &out) }
            for el in items where !el.isScalar { format(el, identifier: identifier, scalarKeys: nil, into: &out) }
        } else {
            formatScalarList(items, identifier: identifier, into: &out)
        }
    }

    static func formatScalarList(_ items: [JSONValue], identifier: String?, into out: inout String) {
        if let identifier {
            for el in items { out += "\(identifier.uppercased())\t\(el.pythonString)\n" }
        } else {
            out += items.map(\.pythonString).joined(separator: "\t") + "\n"
        }
    }

    static func formatDict(_ o: JSONObject, identifier: String?, scalarKeys: [String]?, into out: inout String) {
        var scalars: [String] = []
        var nonScalars: [(String, JSONValue)] = []
        if let scalarKeys {
            for k in scalarKeys { scalars.append(o[k]?.pythonString ?? "") }
            for k in Set(o.keys).subtracting(scalarKeys).sorted() { nonScalars.append((k, o[k]!)) }
        } else {
            for e in o.entries.sorted(by: { $0.key < $1.key }) {
                if e.value.isScalar { scalars.append(e.value.pythonString) } else { nonScalars.append((e.key, e.value)) }
            }
        }
        if !scalars.isEmpty {
            if let identifier { scalars.insert(identifier.uppercased(), at: 0) }
            out += scalars.joined(separator: "\t") + "\n"
        }
        for (k, v) in nonScalars { format(v, identifier: k, scalarKeys: nil, into: &out) }
    }
}

// MARK: - table (awscli/formatter.py TableFormatter + awscli/table.py MultiTable)

struct TableFormat {
    struct Section {
        var title = ""
        var headers: [String] = []
        var rows: [[String]] = []
        var indent = 0
        var maxWidths: [Int] = []

        mutating func updateWidths(_ row: [String]) {
            if maxWidths.isEmpty { maxWidths = row.map(TableFormat.textLength) }
            else { for (i, el) in row.enumerated() where i < maxWidths.count { maxWidths[i] = max(maxWidths[i], TableFormat.textLength(el)) } }
        }

        func columnWidths(padding: Int, maxWidth: Int?) -> [Int] {
            let unscaled = maxWidths.map { $0 + padding }
            guard let maxWidth, !unscaled.isEmpty else { return unscaled }
            let factor = Double(maxWidth) / Double(unscaled.reduce(0, +))
            var scaled = unscaled.map { Int((factor * Double($0)).rounded(.toNearestOrEven)) }
            var off = scaled.reduce(0, +) - maxWidth
            while off != 0 {
                let order: [Int] = off < 0 ? Array(scaled.indices.reversed()) : Array(scaled.indices)
                for i in order {
                    if off > 0 { scaled[i] -= 1; off -= 1 } else { scaled[i] += 1; off += 1 }
                    if off == 0 { break }
                }
            }
            return scaled
        }

        func totalWidth(padding: Int, outer: Int) -> Int {
            var total = columnWidths(padding: 0, maxWidth: nil).reduce(0) { $0 + $1 + padding }
            total += 2 + outer * 2
            return max(TableFormat.textLength(title) + 2 + outer * 2, total)
        }
    }

    var sections: [Section] = []
    let terminalWidth: Int

    init(terminalWidth: Int) { self.terminalWidth = terminalWidth }

    static func textLength(_ s: String) -> Int {
        s.unicodeScalars.reduce(0) { n, u in
            let v = u.value
            // East Asian wide / fullwidth ranges (the common ones) count twice, as in table.py.
            let wide = (0x1100...0x115F).contains(v) || (0x2E80...0xA4CF).contains(v) || (0xAC00...0xD7A3).contains(v)
                || (0xF900...0xFAFF).contains(v) || (0xFE30...0xFE4F).contains(v) || (0xFF00...0xFF60).contains(v)
                || (0xFFE0...0xFFE6).contains(v) || (0x1F300...0x1F64F).contains(v) || (0x20000...0x3FFFD).contains(v)
            return n + (wide ? 2 : 1)
        }
    }

    mutating func newSection(_ title: String, indent: Int) {
        var s = Section()
        s.title = title
        s.indent = indent
        sections.append(s)
    }

    mutating func addHeader(_ h: [String]) {
        sections[sections.count - 1].updateWidths(h)
        sections[sections.count - 1].headers = h
    }

    mutating func addRow(_ r: [String]) {
        sections[sections.count - 1].rows.append(r)
        sections[sections.count - 1].updateWidths(r)
    }

    @discardableResult
    mutating func build(title: String?, _ current: JSONValue, indent: Int) -> Bool {
        guard current.isTruthy else { return false }
        if let title { newSection(title, indent: indent) }
        if case .array(let a) = current {
            if a.first?.objectValue != nil {
                buildFromList(a, indent: indent, title: title ?? "")
            } else {
                for item in a {
                    if item.isScalar { addRow([item.pythonString]) }
                    else if case .array(let inner) = item, inner.allSatisfy(\.isScalar) { addRow(inner.map(\.pythonString)) }
                    else { build(title: nil, item, indent: 0) }
                }
            }
        }
        if case .object(let o) = current { buildFromDict(o, indent: indent) }
        return true
    }

    static func groupKeys(_ o: JSONObject) -> ([String], [String]) {
        var headers: [String] = [], more: [String] = []
        for e in o.entries { if e.value.isScalar { headers.append(e.key) } else { more.append(e.key) } }
        return (headers.sorted(), more.sorted())
    }

    mutating func buildFromDict(_ o: JSONObject, indent: Int) {
        let (headers, more) = Self.groupKeys(o)
        if headers.count == 1 {
            addRow([headers[0], o[headers[0]]!.pythonString])
        } else if !headers.isEmpty {
            addHeader(headers)
            addRow(headers.map { o[$0]!.pythonString })
        }
        for k in more { build(title: k, o[k]!, indent: indent + 1) }
    }

    mutating func buildFromList(_ list: [JSONValue], indent: Int, title: String) {
        var hs = Set<String>(), ms = Set<String>()
        for case .object(let o) in list { let (h, m) = Self.groupKeys(o); hs.formUnion(h); ms.formUnion(m) }
        let headers = hs.sorted(), more = ms.sorted()
        addHeader(headers)
        var first = true
        for case .object(let el) in list {
            if !first && !more.isEmpty { newSection(title, indent: indent); addHeader(headers) }
            first = false
            addRow(headers.map { el[$0]?.pythonString ?? "" })
            for k in more { if let v = el[k] { build(title: k, v, indent: indent + 1) } }
        }
    }

    func maxWidth() -> Int { sections.map { $0.totalWidth(padding: 4, outer: $0.indent) }.max() ?? 0 }

    mutating func render() -> String {
        var width = maxWidth()
        if width > terminalWidth {
            for i in sections.indices where sections[i].rows.count == 1 && !sections[i].headers.isEmpty {
                var s = Section()
                s.title = sections[i].title
                s.indent = sections[i].indent
                let old = sections[i]
                sections[i] = s
                for (h, el) in zip(old.headers, old.rows[0]) { sections[i].rows.append([h, el]); sections[i].updateWidths([h, el]) }
            }
            width = maxWidth()
        }
        var out = String(repeating: "-", count: width) + "\n"
        for s in sections { renderSection(s, width, &out) }
        return out
    }

    static func center(_ text: String, _ length: Int, _ left: String, _ right: String) -> String {
        let tl = textLength(text)
        let start = max(0, length / 2 - tl / 2 - 1)
        var o = left + String(repeating: " ", count: start) + text
        let soFar = textLength(left) + start + tl
        o += String(repeating: " ", count: max(0, length - textLength(right) - soFar)) + right
        return o
    }

    static func alignLeft(_ text: String, _ length: Int, _ left: String, _ right: String) -> String {
        let tl = textLength(text)
        let padding = length - (tl + 2 + left.count + right.count) >= 0 ? 2 : 0
        let soFar = left.count + padding + tl
        return left + String(repeating: " ", count: padding) + text + String(repeating: " ", count: max(0, length - soFar - right.count)) + right
    }

    func renderSection(_ s: Section, _ maxWidth: Int, _ out: inout String) {
        let ind = String(repeating: "|", count: s.indent)
        func write(_ line: String) { out += ind + line + ind + "\n" }
        let width = maxWidth - s.indent * 2
        if !s.title.isEmpty {
            write(Self.center(s.title, width, "|", "|"))
            if s.headers.isEmpty && s.rows.isEmpty { write("+" + String(repeating: "-", count: width - 2) + "+") }
        }
        func lineBreak(_ widths: [Int]) -> String {
            widths.enumerated().map { i, w in i == 0 ? "+" + String(repeating: "-", count: w - 2) + "+" : String(repeating: "-", count: w - 1) + "+" }.joined()
        }
        if !s.headers.isEmpty {
            let widths = s.columnWidths(padding: 4, maxWidth: width)
            var line = ""
            for (i, (w, h)) in zip(widths, s.headers).enumerated() { line += Self.center(h, w, i == 0 ? "|" : "", "|") }
            write(lineBreak(widths))
            write(line)
        }
        if !s.rows.isEmpty {
            let widths = s.columnWidths(padding: 4, maxWidth: width)
            guard !widths.isEmpty else { return }
            write(lineBreak(widths))
            for row in s.rows {
                var line = ""
                for (i, (w, el)) in zip(widths, row).enumerated() { line += Self.alignLeft(el, w, i == 0 ? "|" : "", "|") }
                write(line)
            }
            write(lineBreak(widths))
        }
    }
}
