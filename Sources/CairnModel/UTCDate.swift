import Foundation

/// The UTC calendar fields of a `Date`, and back, by plain arithmetic (H. Hinnant's civil-date
/// algorithms), with the fixed formats S3 uses. Foundation's Calendar, DateFormatter and
/// `String(format:)` go through ICU / CoreFoundation on Linux at tens of microseconds a call, and a
/// 1,000-key listing writes 1,000 dates; every GET and HEAD writes one.
public struct UTCDate: Equatable, Sendable {
    public var year: Int
    public var month: Int  // 1...12
    public var day: Int  // 1...31
    public var hour: Int
    public var minute: Int
    public var second: Int
    public var millisecond: Int
    /// 0 = Sunday ... 6 = Saturday.
    public var weekday: Int

    /// Instants outside years 0000-9999 (and NaN) are clamped into them: the formats have four year
    /// digits, and a far-off date (a lifecycle rule of a billion days) must not trap.
    public init(_ date: Date) {
        let t = date.timeIntervalSince1970
        let seconds = t.isNaN ? 0 : min(max(t, -62_167_219_200), 253_402_300_799.999)
        // To the nearest millisecond: a stored millisecond instant, as a Double of seconds, may sit
        // a hair below its value (…26.8169999), which rounding down would print as the one before.
        let ms = Int64((seconds * 1000).rounded())
        let days = Self.floorDiv(ms, 86_400_000)
        let msOfDay = Int(ms - days * 86_400_000)
        (year, month, day) = Self.civil(fromDays: days)
        hour = msOfDay / 3_600_000
        minute = msOfDay / 60_000 % 60
        second = msOfDay / 1000 % 60
        millisecond = msOfDay % 1000
        weekday = Int((days % 7 + 11) % 7)  // 1970-01-01 was a Thursday (4)
    }

    /// The instant of these UTC fields; nil when a field is out of range (Feb 30, hour 24 ...).
    public static func date(year: Int, month: Int, day: Int, hour: Int = 0, minute: Int = 0, second: Int = 0,
                            millisecond: Int = 0) -> Date? {
        guard (0...9999).contains(year), (1...12).contains(month), day >= 1, day <= daysIn(month: month, year: year),
              (0..<24).contains(hour), (0..<60).contains(minute), (0..<60).contains(second),
              (0..<1000).contains(millisecond) else { return nil }
        let days = daysFromCivil(year: year, month: month, day: day)
        let ms = (days * 86_400 + Int64(hour * 3_600 + minute * 60 + second)) * 1000 + Int64(millisecond)
        return Date(timeIntervalSince1970: TimeInterval(ms) / 1000)
    }

    // MARK: formats

    static let dayNames = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    static let monthNames = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// `Wed, 21 Oct 2015 07:28:00 GMT` (HTTP's IMF-fixdate).
    public var rfc1123: String {
        var b = [UInt8]()
        b.reserveCapacity(29)
        b += Self.dayNames[weekday].utf8
        b += ", ".utf8
        Self.digits(day, 2, &b)
        b.append(0x20)
        b += Self.monthNames[month - 1].utf8
        b.append(0x20)
        Self.digits(year, 4, &b)
        b.append(0x20)
        time(&b)
        b += " GMT".utf8
        return String(decoding: b, as: UTF8.self)
    }

    /// `2015-10-21T07:28:00.000Z`, or `2015-10-21T07:28:00Z` without milliseconds.
    public func iso8601(milliseconds: Bool = true) -> String {
        var b = [UInt8]()
        b.reserveCapacity(24)
        Self.digits(year, 4, &b)
        b.append(0x2D)
        Self.digits(month, 2, &b)
        b.append(0x2D)
        Self.digits(day, 2, &b)
        b.append(0x54)
        time(&b)
        if milliseconds {
            b.append(0x2E)
            Self.digits(millisecond, 3, &b)
        }
        b.append(0x5A)
        return String(decoding: b, as: UTF8.self)
    }

    /// `20151021T072800Z` (SigV4's x-amz-date).
    public var amz: String {
        var b = [UInt8]()
        b.reserveCapacity(16)
        Self.digits(year, 4, &b)
        Self.digits(month, 2, &b)
        Self.digits(day, 2, &b)
        b.append(0x54)
        Self.digits(hour, 2, &b)
        Self.digits(minute, 2, &b)
        Self.digits(second, 2, &b)
        b.append(0x5A)
        return String(decoding: b, as: UTF8.self)
    }

    private func time(_ b: inout [UInt8]) {
        Self.digits(hour, 2, &b)
        b.append(0x3A)
        Self.digits(minute, 2, &b)
        b.append(0x3A)
        Self.digits(second, 2, &b)
    }

    /// `v` in decimal, zero-padded to `width` digits.
    private static func digits(_ v: Int, _ width: Int, _ b: inout [UInt8]) {
        var n = max(0, v)
        var count = 1
        var t = n
        while t >= 10 { t /= 10; count += 1 }
        b.append(contentsOf: repeatElement(0x30, count: max(width, count)))
        var i = b.count - 1
        while n > 0 {
            b[i] = UInt8(0x30 + n % 10)
            n /= 10
            i -= 1
        }
    }

    // MARK: parsing (exact forms only; callers fall back to Foundation for the rest)

    /// `Wed, 21 Oct 2015 07:28:00 GMT`.
    public static func parseRFC1123(_ s: String) -> Date? {
        let u = Array(s.utf8)
        guard u.count == 29, u[3] == 0x2C, u[4] == 0x20, u[7] == 0x20, u[11] == 0x20, u[16] == 0x20,
              u[19] == 0x3A, u[22] == 0x3A, u[25] == 0x20, u[26...].elementsEqual("GMT".utf8),
              dayNames.contains(where: { $0.utf8.elementsEqual(u[0..<3]) }),
              let m = monthNames.firstIndex(where: { $0.utf8.elementsEqual(u[8..<11]) }),
              let d = number(u, 5, 7), let y = number(u, 12, 16), let h = number(u, 17, 19),
              let mi = number(u, 20, 22), let se = number(u, 23, 25) else { return nil }
        return date(year: y, month: m + 1, day: d, hour: h, minute: mi, second: se)
    }

    /// `2015-10-21T07:28:00Z`, with optional fractional seconds (kept to the millisecond).
    public static func parseISO8601(_ s: String) -> Date? {
        let u = Array(s.utf8)
        guard u.count >= 20, u[4] == 0x2D, u[7] == 0x2D, u[10] == 0x54, u[13] == 0x3A, u[16] == 0x3A,
              u.last == 0x5A, let y = number(u, 0, 4), let mo = number(u, 5, 7), let d = number(u, 8, 10),
              let h = number(u, 11, 13), let mi = number(u, 14, 16), let se = number(u, 17, 19) else { return nil }
        var ms = 0
        if u.count > 20 {
            guard u[19] == 0x2E, u.count > 21, let f = number(u, 20, u.count - 1) else { return nil }
            let fractionDigits = u.count - 21
            ms = fractionDigits >= 3 ? Int(String(decoding: u[20..<23], as: UTF8.self))! : f * [100, 10][fractionDigits - 1]
        } else if u.count != 20 {
            return nil
        }
        return date(year: y, month: mo, day: d, hour: h, minute: mi, second: se, millisecond: ms)
    }

    /// `20151021T072800Z`.
    public static func parseAmz(_ s: String) -> Date? {
        let u = Array(s.utf8)
        guard u.count == 16, u[8] == 0x54, u[15] == 0x5A, let y = number(u, 0, 4), let mo = number(u, 4, 6),
              let d = number(u, 6, 8), let h = number(u, 9, 11), let mi = number(u, 11, 13),
              let se = number(u, 13, 15) else { return nil }
        return date(year: y, month: mo, day: d, hour: h, minute: mi, second: se)
    }

    private static func number(_ u: [UInt8], _ from: Int, _ to: Int) -> Int? {
        guard from < to, to - from <= 18 else { return nil }
        var v = 0
        for i in from..<to {
            guard u[i] >= 0x30 && u[i] <= 0x39 else { return nil }
            v = v * 10 + Int(u[i] - 0x30)
        }
        return v
    }

    // MARK: civil-date arithmetic

    static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 { a >= 0 ? a / b : -((-a + b - 1) / b) }

    static func isLeap(_ y: Int) -> Bool { y % 4 == 0 && (y % 100 != 0 || y % 400 == 0) }

    static func daysIn(month: Int, year: Int) -> Int {
        month == 2 ? (isLeap(year) ? 29 : 28) : [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date.
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int64 {
        let y = Int64(month <= 2 ? year - 1 : year)
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = Int64((month + 9) % 12)
        let doy = (153 * mp + 2) / 5 + Int64(day) - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func civil(fromDays days: Int64) -> (Int, Int, Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (Int(yoe + era * 400 + (m <= 2 ? 1 : 0)), Int(m), Int(d))
    }
}
