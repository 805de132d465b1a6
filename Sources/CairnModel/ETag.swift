/// An entity tag as S3 computes it: hex MD5 of the body for single-part objects, hex MD5 of the
/// concatenated binary part MD5s followed by `-N` for multipart objects. Stored without quotes;
/// `quoted` is what goes on the wire.
public struct ETag: Hashable, Sendable, CustomStringConvertible {
    public let value: String

    public init(_ value: String) { self.value = ETag.unquote(value) }

    public init(md5 digest: some Sequence<UInt8>) { self.value = Hex.encode(digest) }

    public var quoted: String { "\"\(value)\"" }
    public var description: String { quoted }

    /// Strips surrounding quotes (clients send ETags with or without them) and a weak prefix.
    public static func unquote(_ s: String) -> String {
        var t = Substring(s.trimmingCharacters(in: " "))
        if t.hasPrefix("W/") { t = t.dropFirst(2) }
        if t.hasPrefix("\"") { t = t.dropFirst() }
        if t.hasSuffix("\"") { t = t.dropLast() }
        return String(t)
    }

    /// An ETag from an XML body (CompleteMultipartUpload's parts): quotes are optional, as S3
    /// takes them, but nothing else is removed: `<ETag> "abc"</ETag>` names no part.
    public static func unquoteExactly(_ s: String) -> String {
        var t = Substring(s)
        if t.hasPrefix("\"") && t.hasSuffix("\"") && t.count >= 2 { t = t.dropFirst().dropLast() }
        return String(t)
    }
}

extension String {
    /// Strips a character from both ends (Foundation's version takes a CharacterSet).
    public func trimmingCharacters(in char: Character) -> String {
        var s = Substring(self)
        while s.first == char { s = s.dropFirst() }
        while s.last == char { s = s.dropLast() }
        return String(s)
    }
}

/// Lowercase hex, without Foundation.
public enum Hex {
    private static let digits = Array("0123456789abcdef".utf8)
    public static func encode(_ bytes: some Sequence<UInt8>) -> String {
        var out = [UInt8]()
        out.reserveCapacity(64)
        for b in bytes { out.append(digits[Int(b >> 4)]); out.append(digits[Int(b & 15)]) }
        return String(decoding: out, as: UTF8.self)
    }
    public static func decode(_ s: String) -> [UInt8]? {
        let u = Array(s.utf8)
        guard u.count % 2 == 0 else { return nil }
        var out = [UInt8]()
        out.reserveCapacity(u.count / 2)
        func v(_ c: UInt8) -> UInt8? {
            switch c {
            case 0x30...0x39: return c - 0x30
            case 0x61...0x66: return c - 0x61 + 10
            case 0x41...0x46: return c - 0x41 + 10
            default: return nil
            }
        }
        var i = 0
        while i < u.count {
            guard let h = v(u[i]), let l = v(u[i + 1]) else { return nil }
            out.append(h << 4 | l)
            i += 2
        }
        return out
    }
}
