import Foundation

extension UTCDate {
    /// The HTTP date spellings other than exact RFC 1123 that clients send or sign, by arithmetic:
    /// RFC 1123 with a one-digit day or another zone name (`UTC`, `UT`, `Z`, `+0000`, `-0130`),
    /// RFC 850 (`Sunday, 06-Nov-94 08:49:37 GMT`) and asctime (`Sun Nov  6 08:49:37 1994`).
    ///
    /// Replaces Foundation's DateFormatter, which leaked 128 bytes per `date(from:)` call
    /// (a CFCharacterSet; found by LeakSanitizer under `scripts/fuzz run sigv4`): a client could
    /// grow the server with SigV2 requests carrying such dates.
    public static func parseHTTPDateVariant(_ s: String) -> Date? {
        let tokens = s.split(whereSeparator: { $0 == " " || $0 == "," }).map(String.init)
        guard let first = tokens.first, isDayName(first) else { return nil }
        if tokens.count == 5, let month = month(tokens[1]) {                   // asctime
            guard let day = Int(tokens[2]), let t = clock(tokens[3]), let year = fourDigits(tokens[4]) else { return nil }
            return date(year: year, month: month, day: day, hour: t.h, minute: t.m, second: t.s)
        }
        if tokens.count == 4 {                                                   // RFC 850
            let dmy = tokens[1].split(separator: "-").map(String.init)
            guard dmy.count == 3, let day = Int(dmy[0]), let month = month(dmy[1]), dmy[2].count == 2, let yy = Int(dmy[2]),
                  let t = clock(tokens[2]), let offset = zoneOffset(tokens[3]) else { return nil }
            // RFC 7231: a two-digit year more than 50 years ahead is in the past century.
            let year = yy + (yy >= 70 ? 1900 : 2000)
            return date(year: year, month: month, day: day, hour: t.h, minute: t.m, second: t.s).map { $0.addingTimeInterval(-offset) }
        }
        if tokens.count == 6 || tokens.count == 5 {                              // RFC 1123 variants
            guard tokens[1].count <= 2, let day = Int(tokens[1]), let month = month(tokens[2]), let year = fourDigits(tokens[3]),
                  let t = clock(tokens[4]), let offset = tokens.count == 6 ? zoneOffset(tokens[5]) : 0 else { return nil }
            return date(year: year, month: month, day: day, hour: t.h, minute: t.m, second: t.s).map { $0.addingTimeInterval(-offset) }
        }
        return nil
    }

    private static let longDayNames = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]

    private static func isDayName(_ s: String) -> Bool {
        dayNames.contains { $0.caseInsensitiveCompare(s) == .orderedSame }
            || longDayNames.contains { $0.caseInsensitiveCompare(s) == .orderedSame }
    }

    private static func month(_ s: String) -> Int? {
        monthNames.firstIndex { $0.caseInsensitiveCompare(s) == .orderedSame }.map { $0 + 1 }
    }

    private static func fourDigits(_ s: String) -> Int? {
        s.count == 4 && s.allSatisfy(\.isASCII) ? Int(s) : nil
    }

    /// `HH:mm:ss`, two digits each.
    private static func clock(_ s: String) -> (h: Int, m: Int, s: Int)? {
        let p = s.split(separator: ":", omittingEmptySubsequences: false)
        guard p.count == 3, p.allSatisfy({ $0.count == 2 && $0.allSatisfy { $0.isASCII && $0.isNumber } }),
              let h = Int(p[0]), let m = Int(p[1]), let sec = Int(p[2]) else { return nil }
        return (h, m, sec)
    }

    /// Seconds east of UTC for `GMT`, `UTC`, `UT`, `Z` or `±hhmm`.
    private static func zoneOffset(_ s: String) -> TimeInterval? {
        if ["GMT", "UTC", "UT", "Z"].contains(s.uppercased()) { return 0 }
        let u = Array(s.utf8)
        guard u.count == 5, u[0] == UInt8(ascii: "+") || u[0] == UInt8(ascii: "-"),
              u[1...].allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        let hh = Int(u[1] - 0x30) * 10 + Int(u[2] - 0x30), mm = Int(u[3] - 0x30) * 10 + Int(u[4] - 0x30)
        guard hh < 24, mm < 60 else { return nil }
        let seconds = TimeInterval(hh * 3600 + mm * 60)
        return u[0] == UInt8(ascii: "+") ? seconds : -seconds
    }
}
