import Foundation

// MARK: - Evaluation

extension JMESPath {
    struct EvalError: Error, CustomStringConvertible { var description: String }

    static func eval(_ node: Node, _ v: JSONValue) throws -> JSONValue {
        switch node {
        case .current: return v
        case .field(let name): return v[name] ?? .null
        case .subexpression(let l, let r): return try eval(r, try eval(l, v))
        case .index(let i):
            guard case .array(let a) = v else { return .null }
            let k = i < 0 ? a.count + i : i
            return k >= 0 && k < a.count ? a[k] : .null
        case .slice(let start, let stop, let step):
            guard case .array(let a) = v else { return .null }
            return .array(slice(a, start, stop, step ?? 1))
        case .projection(let l, let r):
            guard case .array(let a) = try eval(l, v) else { return .null }
            return .array(try a.compactMap { let x = try eval(r, $0); return x == .null ? nil : x })
        case .valueProjection(let l, let r):
            guard case .object(let o) = try eval(l, v) else { return .null }
            return .array(try o.entries.compactMap { let x = try eval(r, $0.value); return x == .null ? nil : x })
        case .filterProjection(let l, let r, let cond):
            guard case .array(let a) = try eval(l, v) else { return .null }
            var out: [JSONValue] = []
            for el in a where try eval(cond, el).isTruthy {
                let x = try eval(r, el)
                if x != .null { out.append(x) }
            }
            return .array(out)
        case .flatten(let inner):
            guard case .array(let a) = try eval(inner, v) else { return .null }
            var out: [JSONValue] = []
            for el in a { if case .array(let sub) = el { out += sub } else { out.append(el) } }
            return .array(out)
        case .comparator(let op, let l, let r):
            return compare(op, try eval(l, v), try eval(r, v))
        case .and(let l, let r):
            let a = try eval(l, v)
            return a.isTruthy ? try eval(r, v) : a
        case .or(let l, let r):
            let a = try eval(l, v)
            return a.isTruthy ? a : try eval(r, v)
        case .not(let e): return .bool(!(try eval(e, v)).isTruthy)
        case .literal(let x): return x
        case .multiList(let items):
            if v == .null { return .null }
            return .array(try items.map { try eval($0, v) })
        case .multiHash(let pairs):
            if v == .null { return .null }
            var o = JSONObject()
            for (k, n) in pairs { o[k] = try eval(n, v) }
            return .object(o)
        case .pipe(let l, let r): return try eval(r, try eval(l, v))
        case .expref: return .null
        case .function(let name, let args): return try call(name, args, v)
        }
    }

    static func slice(_ a: [JSONValue], _ start: Int?, _ stop: Int?, _ step: Int) -> [JSONValue] {
        let n = a.count
        guard step != 0 else { return [] }
        func clamp(_ x: Int?, _ def: Int) -> Int {
            guard var x else { return def }
            if x < 0 { x += n; if x < 0 { x = step < 0 ? -1 : 0 } }
            else if x >= n { x = step < 0 ? n - 1 : n }
            return x
        }
        var out: [JSONValue] = []
        var i = clamp(start, step > 0 ? 0 : n - 1)
        let end = clamp(stop, step > 0 ? n : -1)
        while step > 0 ? i < end : i > end { out.append(a[i]); i += step }
        return out
    }

    static func number(_ v: JSONValue) -> Double? {
        switch v { case .int(let i): return Double(i); case .double(let d): return d; default: return nil }
    }

    static func compare(_ op: String, _ a: JSONValue, _ b: JSONValue) -> JSONValue {
        switch op {
        case "==": return .bool(equal(a, b))
        case "!=": return .bool(!equal(a, b))
        default:
            guard let x = number(a), let y = number(b) else { return .null }
            switch op {
            case "<": return .bool(x < y)
            case "<=": return .bool(x <= y)
            case ">": return .bool(x > y)
            default: return .bool(x >= y)
            }
        }
    }

    static func equal(_ a: JSONValue, _ b: JSONValue) -> Bool {
        if let x = number(a), let y = number(b) { return x == y }
        return a == b
    }

    static func typeName(_ v: JSONValue) -> String {
        switch v {
        case .null: return "null"
        case .bool: return "boolean"
        case .int, .double: return "number"
        case .string: return "string"
        case .array: return "array"
        case .object: return "object"
        }
    }

    static func call(_ name: String, _ args: [Node], _ v: JSONValue) throws -> JSONValue {
        func arg(_ i: Int) throws -> JSONValue {
            guard i < args.count else { throw EvalError(description: "Invalid number of arguments for \(name)()") }
            return try eval(args[i], v)
        }
        func keyFn(_ i: Int) throws -> Node {
            guard i < args.count, case .expref(let n) = args[i] else { throw EvalError(description: "\(name)() expects an &expression") }
            return n
        }
        func less(_ x: JSONValue, _ y: JSONValue) -> Bool {
            if let a = number(x), let b = number(y) { return a < b }
            if case .string(let a) = x, case .string(let b) = y { return a < b }
            return false
        }
        switch name {
        case "length":
            switch try arg(0) {
            case .string(let s): return .int(Int64(s.unicodeScalars.count))
            case .array(let a): return .int(Int64(a.count))
            case .object(let o): return .int(Int64(o.count))
            default: throw EvalError(description: "length() expects a string, array or object")
            }
        case "contains":
            let subject = try arg(0), needle = try arg(1)
            if case .string(let s) = subject, case .string(let n) = needle { return .bool(s.contains(n)) }
            if case .array(let a) = subject { return .bool(a.contains { equal($0, needle) }) }
            return .bool(false)
        case "starts_with", "ends_with":
            guard case .string(let s) = try arg(0), case .string(let p) = try arg(1) else { return .null }
            return .bool(name == "starts_with" ? s.hasPrefix(p) : s.hasSuffix(p))
        case "keys":
            guard case .object(let o) = try arg(0) else { return .null }
            return .array(o.keys.map { .string($0) })
        case "values":
            guard case .object(let o) = try arg(0) else { return .null }
            return .array(o.entries.map(\.value))
        case "sort":
            guard case .array(let a) = try arg(0) else { return .null }
            return .array(a.sorted(by: less))
        case "reverse":
            switch try arg(0) {
            case .array(let a): return .array(a.reversed())
            case .string(let s): return .string(String(s.reversed()))
            default: return .null
            }
        case "sort_by", "max_by", "min_by":
            guard case .array(let a) = try arg(0) else { return .null }
            let fn = try keyFn(1)
            let keyed = try a.map { (try eval(fn, $0), $0) }
            let sorted = keyed.sorted { less($0.0, $1.0) }
            if name == "sort_by" { return .array(sorted.map(\.1)) }
            return (name == "max_by" ? sorted.last?.1 : sorted.first?.1) ?? .null
        case "max", "min":
            guard case .array(let a) = try arg(0), !a.isEmpty else { return .null }
            let s = a.sorted(by: less)
            return name == "max" ? s.last! : s.first!
        case "sum", "avg":
            guard case .array(let a) = try arg(0) else { return .null }
            let nums = a.compactMap(number)
            if name == "avg" { return nums.isEmpty ? .null : .double(nums.reduce(0, +) / Double(nums.count)) }
            if a.allSatisfy({ if case .int = $0 { return true }; return false }) {
                return .int(a.reduce(Int64(0)) { if case .int(let i) = $1 { return $0 + i }; return $0 })
            }
            return .double(nums.reduce(0, +))
        case "join":
            guard case .string(let sep) = try arg(0), case .array(let a) = try arg(1) else { return .null }
            return .string(a.compactMap(\.stringValue).joined(separator: sep))
        case "to_string":
            let x = try arg(0)
            if case .string = x { return x }
            return .string(x.serialized(indent: nil).replacingOccurrences(of: ", ", with: ",").replacingOccurrences(of: ": ", with: ":"))
        case "to_number":
            let x = try arg(0)
            if number(x) != nil { return x }
            if case .string(let s) = x { if let i = Int64(s) { return .int(i) }; if let d = Double(s) { return .double(d) } }
            return .null
        case "type": return .string(typeName(try arg(0)))
        case "not_null":
            for i in args.indices { let x = try arg(i); if x != .null { return x } }
            return .null
        case "abs":
            switch try arg(0) { case .int(let i): return .int(abs(i)); case .double(let d): return .double(abs(d)); default: return .null }
        default:
            throw EvalError(description: "Unknown function: \(name)()")
        }
    }
}
