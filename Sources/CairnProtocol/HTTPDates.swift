import CairnModel
import Foundation

/// The three date formats S3 uses: RFC 1123 in headers, ISO 8601 with milliseconds in XML.
public enum S3Dates {
    /// `Wed, 21 Oct 2015 07:28:00 GMT`.
    public static func http(_ date: Date) -> String { UTCDate(date).rfc1123 }

    /// `2015-10-21T07:28:00.000Z`.
    public static func iso8601(_ date: Date) -> String { UTCDate(date).iso8601() }

    /// Parses an HTTP date (RFC 1123, RFC 850 or asctime) or ISO 8601; nil when none fits. The two
    /// forms clients send are read by arithmetic; the rarer ones through Foundation.
    public static func parse(_ s: String) -> Date? {
        if let d = UTCDate.parseRFC1123(s) ?? UTCDate.parseISO8601(s) { return d }
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "GMT")
        for format in ["EEE, dd MMM yyyy HH:mm:ss zzz", "EEEE, dd-MMM-yy HH:mm:ss zzz", "EEE MMM d HH:mm:ss yyyy"] {
            f.dateFormat = format
            if let d = f.date(from: s) { return d }
        }
        let iso = ISO8601DateFormatter()
        if let d = iso.date(from: s) { return d }
        iso.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return iso.date(from: s)
    }
}
