/// SigV4's URI encoding: every byte except the unreserved characters `A-Z a-z 0-9 - _ . ~` becomes
/// `%XX` (uppercase hex); `/` is kept only in paths. Percent-decoding is its inverse.
public enum URIEncoding {
    private static let hex = Array("0123456789ABCDEF".utf8)

    @inline(__always) static func isUnreserved(_ c: UInt8) -> Bool {
        (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39)
            || c == 0x2d || c == 0x5f || c == 0x2e || c == 0x7e
    }

    public static func encode(_ s: some StringProtocol, keepSlash: Bool = false) -> String {
        var out = [UInt8]()
        out.reserveCapacity(s.utf8.count)
        for c in s.utf8 {
            if isUnreserved(c) || (keepSlash && c == 0x2f) {
                out.append(c)
            } else {
                out.append(0x25); out.append(hex[Int(c >> 4)]); out.append(hex[Int(c & 15)])
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Percent-decodes; `+` stays `+` (S3 clients encode spaces as %20). Invalid escapes are kept as is.
    public static func decode(_ s: some StringProtocol) -> String {
        let u = Array(s.utf8)
        guard u.contains(0x25) else { return String(s) }
        var out = [UInt8]()
        out.reserveCapacity(u.count)
        var i = 0
        func hv(_ c: UInt8) -> UInt8? {
            switch c {
            case 0x30...0x39: return c - 0x30
            case 0x41...0x46: return c - 0x41 + 10
            case 0x61...0x66: return c - 0x61 + 10
            default: return nil
            }
        }
        while i < u.count {
            if u[i] == 0x25, i + 2 < u.count, let h = hv(u[i + 1]), let l = hv(u[i + 2]) {
                out.append(h << 4 | l); i += 3
            } else {
                out.append(u[i]); i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The inverse of `parseQuery`: `name=value` pairs joined with `&`, an empty value sent as a
    /// bare name (`?uploads`), as S3 clients send subresources.
    public static func formatQuery(_ pairs: [(String, String)]) -> String {
        pairs.map { $0.1.isEmpty ? encode($0.0) : "\(encode($0.0))=\(encode($0.1))" }.joined(separator: "&")
    }

    /// Splits a raw query string into decoded (name, value) pairs, in order.
    public static func parseQuery(_ raw: some StringProtocol) -> [(String, String)] {
        guard !raw.isEmpty else { return [] }
        return raw.split(separator: "&", omittingEmptySubsequences: true).map { item in
            if let eq = item.firstIndex(of: "=") {
                return (decode(item[..<eq]), decode(item[item.index(after: eq)...]))
            }
            return (decode(item), "")
        }
    }
}
