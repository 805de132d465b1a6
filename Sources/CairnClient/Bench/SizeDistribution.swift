import Foundation

/// Byte counts as people write them: `16KiB`, `8MiB`, `1.5GB`, `4096` (`K`/`M`/`G` are binary,
/// as in `cairn cp --part-size`).
public enum ByteCount {
    static let units: [(String, Int64)] = [("KiB", 1 << 10), ("MiB", 1 << 20), ("GiB", 1 << 30), ("KB", 1000), ("MB", 1_000_000),
                                           ("GB", 1_000_000_000), ("K", 1 << 10), ("M", 1 << 20), ("G", 1 << 30), ("B", 1)]

    /// The number of bytes `text` names, or nil when it is not a size.
    public static func parse(_ text: String) -> Int64? {
        let t = text.trimmingCharacters(in: .whitespaces)
        for (unit, multiplier) in units where t.hasSuffix(unit) {
            guard let v = Double(t.dropLast(unit.count).trimmingCharacters(in: .whitespaces)), v >= 0 else { return nil }
            return Int64(v * Double(multiplier))
        }
        guard let v = Int64(t), v >= 0 else { return nil }
        return v
    }
}

/// The object sizes a bench writes: one fixed size (`16KiB`) or a range (`4KiB-1MiB`) from which
/// each PUT draws a size uniformly on a log scale, so that every doubling of size is as likely as
/// the next (as warp's `--obj.randsize`): a plain uniform draw would make nearly every object large.
public struct SizeDistribution: Sendable, Equatable, CustomStringConvertible {
    public let min: Int64
    public let max: Int64

    public init(min: Int64, max: Int64) {
        self.min = min
        self.max = max
    }

    /// Parses `SIZE` or `MIN-MAX`; throws a message naming the bad text.
    public static func parse(_ text: String) throws -> SizeDistribution {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 1 || parts.count == 2 else { throw ClientFailure("invalid size or size range: \(text)") }
        guard let lo = ByteCount.parse(parts[0]), let hi = ByteCount.parse(parts.last!) else {
            throw ClientFailure("invalid size or size range: \(text)")
        }
        guard lo <= hi else { throw ClientFailure("size range \(text): the minimum is above the maximum") }
        return SizeDistribution(min: lo, max: hi)
    }

    public var isFixed: Bool { min == max }

    /// One size drawn from the distribution.
    public func sample<R: RandomNumberGenerator>(using rng: inout R) -> Int64 {
        if isFixed { return min }
        // log(0) is undefined: a range starting at 0 draws from 1 and rounds the smallest down.
        let lo = log(Double(Swift.max(1, min))), hi = log(Double(max))
        let v = Int64(exp(Double.random(in: lo...hi, using: &rng)).rounded())
        return Swift.min(max, Swift.max(min, v))
    }

    public func sample() -> Int64 {
        var g = SystemRandomNumberGenerator()
        return sample(using: &g)
    }

    public var description: String { isFixed ? "\(min) B" : "\(min)-\(max) B (log-uniform)" }
}
