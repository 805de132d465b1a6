import CairnModel
import CairnProtocol
import Foundation
import Testing

/// The arithmetic date formats against Foundation's formatters, over random instants from 1900 to
/// 2200 and the calendar's corners (leap days, century years, the epoch, before it).
@Suite("UTC dates by arithmetic")
struct UTCDateTests {
    static func foundation(_ format: String) -> DateFormatter {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "GMT")
        f.dateFormat = format
        return f
    }

    static let rfc1123 = foundation("EEE, dd MMM yyyy HH:mm:ss 'GMT'")
    static let iso = foundation("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'")
    static let amz = foundation("yyyyMMdd'T'HHmmss'Z'")

    static let corners: [Date] = [
        "1970-01-01T00:00:00.000Z", "1969-12-31T23:59:59.999Z", "1900-03-01T00:00:00.000Z", "2000-02-29T12:34:56.789Z",
        "2100-02-28T23:59:59.000Z", "2100-03-01T00:00:00.000Z", "2024-02-29T00:00:00.001Z", "2023-12-31T23:59:59.999Z",
        "2038-01-19T03:14:08.000Z", "2199-12-31T23:59:59.500Z",
    ].map { iso.date(from: $0)! }

    /// SplitMix64: a seeded generator, so that a failing instant can be replayed.
    struct Seeded: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    // 1600 ... 2200 (Foundation's formatters switch to the Julian calendar before 1582), whole
    // milliseconds and, for a third, arbitrary sub-millisecond instants.
    static let instants: [Date] = {
        var g = Seeded(state: 20_261_127)
        let from = -11_676_096_000_000 as Int64, to = 7_258_118_400_000 as Int64
        return corners + (0..<3000).map { i in
            let ms = TimeInterval(Int64.random(in: from...to, using: &g))
            return Date(timeIntervalSince1970: (i % 3 == 0 ? ms + Double.random(in: 0..<1, using: &g) : ms) / 1000)
        }
    }()

    @Test("Formats match Foundation's")
    func formats() {
        for d in Self.instants {
            let u = UTCDate(d)
            #expect(u.rfc1123 == Self.rfc1123.string(from: d))
            #expect(u.iso8601() == Self.iso.string(from: d))
            #expect(u.amz == Self.amz.string(from: d))
        }
    }

    @Test("Parsing gives back the instant")
    func roundTrips() {
        for d in Self.instants {
            let u = UTCDate(d)
            let ms = (d.timeIntervalSince1970 * 1000).rounded()
            let seconds = Date(timeIntervalSince1970: (ms / 1000).rounded(.down))
            // (Date keeps seconds since 2001, so compare whole milliseconds, not Doubles)
            #expect(UTCDate.parseISO8601(u.iso8601()).map { ($0.timeIntervalSince1970 * 1000).rounded() } == ms)
            #expect(UTCDate.parseRFC1123(u.rfc1123) == seconds)
            #expect(UTCDate.parseAmz(u.amz) == seconds)
            #expect(UTCDate.parseISO8601(u.iso8601(milliseconds: false)) == seconds)
        }
    }

    @Test("Far-off and invalid instants are clamped to years 0000-9999, never trap")
    func clamped() {
        #expect(UTCDate(Date(timeIntervalSince1970: 1e300)).iso8601() == "9999-12-31T23:59:59.999Z")
        #expect(UTCDate(Date(timeIntervalSince1970: -1e300)).iso8601() == "0000-01-01T00:00:00.000Z")
        #expect(UTCDate(Date(timeIntervalSince1970: .infinity)).rfc1123 == "Fri, 31 Dec 9999 23:59:59 GMT")
        #expect(UTCDate(Date(timeIntervalSince1970: .nan)).iso8601() == "1970-01-01T00:00:00.000Z")
        // A lifecycle rule of 2^31 days from now lands past 9999.
        #expect(UTCDate(Date().addingTimeInterval(86_400 * 2_147_483_647)).amz == "99991231T235959Z")
        #expect(UTCDate.date(year: 10_000, month: 1, day: 1) == nil)
        // Proleptic Gregorian arithmetic far from today: 0001-01-01 was a Monday.
        let first = UTCDate(UTCDate.date(year: 1, month: 1, day: 1)!)
        #expect((first.year, first.month, first.day, first.weekday) == (1, 1, 1, 1))
    }

    @Test("Fractions of a second and what is refused")
    func edges() {
        #expect(UTCDate.parseISO8601("2015-10-21T07:28:00.5Z")!.timeIntervalSince1970.truncatingRemainder(dividingBy: 1) == 0.5)
        #expect(UTCDate(UTCDate.parseISO8601("2015-10-21T07:28:00.123456Z")!).millisecond == 123)
        for bad in ["2015-02-29T00:00:00Z", "2015-13-01T00:00:00Z", "2015-10-21T24:00:00Z", "2015-10-21T07:28:00.Z",
                    "2015-10-21 07:28:00Z", "2015-10-21T07:28:00+01:00", "x015-10-21T07:28:00Z"] {
            #expect(UTCDate.parseISO8601(bad) == nil, "\(bad)")
        }
        for bad in ["Wed, 21 Oct 2015 07:28:00 UTC", "Wed, 21 Foo 2015 07:28:00 GMT", "Xyz, 21 Oct 2015 07:28:00 GMT",
                    "Wed, 31 Apr 2015 07:28:00 GMT", "Wednesday, 21-Oct-15 07:28:00 GMT"] {
            #expect(UTCDate.parseRFC1123(bad) == nil, "\(bad)")
        }
        #expect(UTCDate.parseAmz("20151021T072800") == nil)
        #expect(UTCDate.parseAmz("20151021T072860Z") == nil)  // no leap seconds
        #expect(UTCDate.parseRFC1123("Wed, 21 Oct 2015 07:28:60 GMT") == nil)
        #expect(UTCDate.date(year: 2016, month: 2, day: 29) != nil)
        #expect(UTCDate.date(year: 2015, month: 2, day: 29) == nil)
    }
}

@Suite("UTCDate: HTTP date spellings without DateFormatter")
struct HTTPDateVariantTests {
    static let nov6 = UTCDate.date(year: 1994, month: 11, day: 6, hour: 8, minute: 49, second: 37)!

    @Test("RFC 1123 variants, RFC 850 and asctime parse to the same instant", arguments: [
        "Sun, 06 Nov 1994 08:49:37 UTC", "Sun, 6 Nov 1994 08:49:37 GMT", "Sun, 06 Nov 1994 08:49:37 +0000",
        "Sun, 06 Nov 1994 09:49:37 +0100", "Sun, 06 Nov 1994 07:19:37 -0130", "Sunday, 06-Nov-94 08:49:37 GMT",
        "Sun Nov  6 08:49:37 1994", "sun, 06 nov 1994 08:49:37 gmt", "Sun, 06 Nov 1994 08:49:37",
    ])
    func variants(_ s: String) {
        #expect(UTCDate.parseHTTPDateVariant(s) == Self.nov6)
        #expect(S3Dates.parse(s) == Self.nov6)
    }

    @Test("garbage is nil, never a crash", arguments: [
        "", "Sun", "Sun, 32 Nov 1994 08:49:37 GMT", "Sun, 06 Foo 1994 08:49:37 GMT", "Sun, 06 Nov 1994 24:00:00 GMT",
        "Sun, 06 Nov 1994 08:49:37 +9999", "Xyz, 06 Nov 1994 08:49:37 GMT", "Sun Nov 6 8:49:37 1994", "Sun, 06 Nov 94 08:49:37 GMT",
        "Sunday, 06-Nov-1994 08:49:37 GMT", "Sun, ١٢ Nov 1994 08:49:37 GMT",
    ])
    func garbage(_ s: String) {
        #expect(UTCDate.parseHTTPDateVariant(s) == nil)
    }
}
