import CairnModel
import Foundation

/// The three date formats S3 uses: RFC 1123 in headers, ISO 8601 with milliseconds in XML.
public enum S3Dates {
    /// `Wed, 21 Oct 2015 07:28:00 GMT`.
    public static func http(_ date: Date) -> String { UTCDate(date).rfc1123 }

    /// `2015-10-21T07:28:00.000Z`.
    public static func iso8601(_ date: Date) -> String { UTCDate(date).iso8601() }

    /// Parses an HTTP date (RFC 1123, RFC 850 or asctime) or ISO 8601; nil when none fits. The two
    /// forms clients send and the other HTTP spellings are read by arithmetic (Foundation's
    /// DateFormatter leaked per call); ISO 8601 with offsets through ISO8601DateFormatter.
    public static func parse(_ s: String) -> Date? {
        if let d = UTCDate.parseRFC1123(s) ?? UTCDate.parseISO8601(s) ?? UTCDate.parseHTTPDateVariant(s) { return d }
        let iso = ISO8601DateFormatter()
        if let d = iso.date(from: s) { return d }
        iso.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return iso.date(from: s)
    }
}
