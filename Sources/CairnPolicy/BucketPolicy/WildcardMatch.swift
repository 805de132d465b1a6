/// IAM's wildcard match: `*` matches any run of characters (also none), `?` exactly one; nothing
/// else is special. Compared by Unicode scalars, so keys match byte for byte.
enum Wildcard {
    static func matches(_ pattern: String, _ value: String, caseInsensitive: Bool = false) -> Bool {
        let p = Array((caseInsensitive ? pattern.lowercased() : pattern).unicodeScalars)
        let v = Array((caseInsensitive ? value.lowercased() : value).unicodeScalars)
        // Iterative matching with one backtrack point (the last `*`): linear in practice.
        var (pi, vi) = (0, 0)
        var star: Int?
        var starV = 0
        while vi < v.count {
            if pi < p.count, p[pi] == "?" || p[pi] == v[vi] {
                pi += 1
                vi += 1
            } else if pi < p.count, p[pi] == "*" {
                star = pi
                starV = vi
                pi += 1
            } else if let s = star {
                pi = s + 1
                starV += 1
                vi = starV
            } else {
                return false
            }
        }
        while pi < p.count, p[pi] == "*" { pi += 1 }
        return pi == p.count
    }
}
