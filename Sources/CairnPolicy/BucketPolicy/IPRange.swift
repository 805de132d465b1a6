import Foundation

/// An IPv4 or IPv6 address range in CIDR form (`203.0.113.0/24`, `2001:db8::/32`, or one address),
/// for the IpAddress / NotIpAddress condition operators.
struct IPRange: Sendable, Equatable {
    let bytes: [UInt8]
    let prefixLength: Int

    init?(_ text: String) {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let address = IPRange.parse(String(parts[0])) else { return nil }
        let bits = address.count * 8
        if parts.count == 2 {
            guard let n = Int(parts[1]), (0...bits).contains(n) else { return nil }
            prefixLength = n
        } else {
            prefixLength = bits
        }
        bytes = address
    }

    func contains(_ address: String) -> Bool {
        guard let a = IPRange.parse(address) ?? IPRange.parseMappedIPv4(address), a.count == bytes.count else { return false }
        var remaining = prefixLength
        for i in 0..<bytes.count where remaining > 0 {
            let take = min(8, remaining)
            let mask: UInt8 = take == 8 ? 0xFF : ~(0xFF >> UInt8(take))
            if a[i] & mask != bytes[i] & mask { return false }
            remaining -= take
        }
        return true
    }

    /// `::ffff:1.2.3.4` (an IPv4 client on a dual-stack socket) as its IPv4 address.
    static func parseMappedIPv4(_ s: String) -> [UInt8]? {
        let lower = s.lowercased()
        guard lower.hasPrefix("::ffff:") else { return nil }
        return parseIPv4(String(lower.dropFirst(7)))
    }

    static func parse(_ s: String) -> [UInt8]? {
        s.contains(":") ? parseIPv6(s) : parseIPv4(s)
    }

    static func parseIPv4(_ s: String) -> [UInt8]? {
        let parts = s.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var out: [UInt8] = []
        for p in parts {
            guard !p.isEmpty, p.count <= 3, let n = UInt8(p) else { return nil }
            out.append(n)
        }
        return out
    }

    static func parseIPv6(_ s: String) -> [UInt8]? {
        let halves = s.components(separatedBy: "::")
        guard halves.count <= 2 else { return nil }
        func groups(_ part: String) -> [UInt16]? {
            if part.isEmpty { return [] }
            var out: [UInt16] = []
            for g in part.split(separator: ":", omittingEmptySubsequences: false) {
                guard !g.isEmpty, g.count <= 4, let n = UInt16(g, radix: 16) else { return nil }
                out.append(n)
            }
            return out
        }
        guard let head = groups(halves[0]) else { return nil }
        var all = head
        if halves.count == 2 {
            guard let tail = groups(halves[1]), head.count + tail.count < 8 else { return nil }
            all += Array(repeating: 0, count: 8 - head.count - tail.count) + tail
        }
        guard all.count == 8 else { return nil }
        return all.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
    }
}
