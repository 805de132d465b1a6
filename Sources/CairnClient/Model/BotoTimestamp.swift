import CairnModel
import Foundation

/// Timestamps as botocore takes them in (`parse_to_aware_datetime`: epoch seconds, ISO 8601 with
/// or without a time, fraction or offset, or an HTTP date; no zone means UTC) and writes them out
/// (`iso8601`: `2030-01-01T00:00:00Z`, microseconds only when non-zero; `rfc822`; `unixtimestamp`).
enum BotoTimestamp {
    /// Seconds since the epoch and microseconds.
    struct Instant { var seconds: Int64; var micros: Int }

    static func format(_ raw: String, as format: String) -> String? {
        guard let t = parse(raw) else { return nil }
        let date = UTCDate(Date(timeIntervalSince1970: TimeInterval(t.seconds)))
        switch format.lowercased() {
        case "rfc822": return date.rfc1123
        case "unixtimestamp": return String(t.seconds)
        default:
            let base = date.iso8601(milliseconds: false).dropLast()  // no `Z` yet
            return t.micros > 0 ? base + "." + String(format: "%06d", t.micros) + "Z" : base + "Z"
        }
    }

    static func parse(_ raw: String) -> Instant? {
        let s = raw.trimmingCharacters(in: .whitespaces)
        if let d = Double(s) {
            let whole = d.rounded(.down)
            return Instant(seconds: Int64(whole), micros: Int(((d - whole) * 1_000_000).rounded()))
        }
        if let d = UTCDate.parseRFC1123(s) { return Instant(seconds: Int64(d.timeIntervalSince1970), micros: 0) }
        return parseISO(s)
    }

    /// `YYYY-MM-DD[(T| )hh:mm[:ss[.ffffff]]][Z|±hh[:]mm]`.
    private static func parseISO(_ s: String) -> Instant? {
        let u = Array(s.utf8)
        func num(_ a: Int, _ b: Int) -> Int? {
            guard b <= u.count, a < b else { return nil }
            var n = 0
            for c in u[a..<b] { guard (0x30...0x39).contains(c) else { return nil }; n = n * 10 + Int(c - 0x30) }
            return n
        }
        guard u.count >= 10, u[4] == 0x2D, u[7] == 0x2D, let y = num(0, 4), let mo = num(5, 7), let d = num(8, 10) else { return nil }
        var h = 0, mi = 0, se = 0, micros = 0, offset = 0
        var i = 10
        if i < u.count, u[i] == 0x54 || u[i] == 0x20 {
            guard let hh = num(i + 1, i + 3), i + 3 < u.count, u[i + 3] == 0x3A, let mm = num(i + 4, i + 6) else { return nil }
            h = hh; mi = mm; i += 6
            if i < u.count, u[i] == 0x3A {
                guard let ss = num(i + 1, i + 3) else { return nil }
                se = ss; i += 3
                if i < u.count, u[i] == 0x2E {
                    var j = i + 1, digits = 0
                    while j < u.count, (0x30...0x39).contains(u[j]) {
                        if digits < 6 { micros = micros * 10 + Int(u[j] - 0x30); digits += 1 }
                        j += 1
                    }
                    guard digits > 0 else { return nil }
                    for _ in digits..<6 { micros *= 10 }
                    i = j
                }
            }
        }
        if i < u.count {
            if u[i] == 0x5A, i + 1 == u.count {
                i += 1
            } else if u[i] == 0x2B || u[i] == 0x2D {
                let sign = u[i] == 0x2B ? 1 : -1
                let colon = i + 3 < u.count && u[i + 3] == 0x3A ? 1 : 0
                guard let oh = num(i + 1, i + 3), let om = num(i + 3 + colon, i + 5 + colon), i + 5 + colon == u.count else { return nil }
                offset = sign * (oh * 3600 + om * 60)
                i = u.count
            } else {
                return nil
            }
        }
        guard let date = UTCDate.date(year: y, month: mo, day: d, hour: h, minute: mi, second: se) else { return nil }
        return Instant(seconds: Int64(date.timeIntervalSince1970) - Int64(offset), micros: micros)
    }
}
