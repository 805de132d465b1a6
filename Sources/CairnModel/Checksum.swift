/// The additional checksum algorithms of S3 (`x-amz-checksum-*`).
public enum ChecksumAlgorithm: String, Sendable, CaseIterable, Codable {
    case crc32 = "CRC32"
    case crc32c = "CRC32C"
    case crc64nvme = "CRC64NVME"
    case sha1 = "SHA1"
    case sha256 = "SHA256"

    /// `x-amz-checksum-crc32`, ...
    public var headerName: String { "x-amz-checksum-\(rawValue.lowercased())" }
    /// The XML element name, `ChecksumCRC32`, ...
    public var xmlName: String { "Checksum\(rawValue)" }

    public init?(caseInsensitive s: String) {
        guard let a = ChecksumAlgorithm(rawValue: s.uppercased()) else { return nil }
        self = a
    }
}

/// A checksum value as it travels: algorithm + base64 of the big-endian digest.
public struct Checksum: Hashable, Sendable, Codable {
    public var algorithm: ChecksumAlgorithm
    public var base64: String
    public init(_ algorithm: ChecksumAlgorithm, base64: String) {
        self.algorithm = algorithm
        self.base64 = base64
    }
}
