/// The additional checksum algorithms of S3 (`x-amz-checksum-*`), in botocore's model order.
public enum ChecksumAlgorithm: String, Sendable, CaseIterable, Codable {
    case crc32 = "CRC32"
    case crc32c = "CRC32C"
    case crc64nvme = "CRC64NVME"
    case sha1 = "SHA1"
    case sha256 = "SHA256"
    case sha512 = "SHA512"
    case md5 = "MD5"
    case xxhash64 = "XXHASH64"
    case xxhash3 = "XXHASH3"
    case xxhash128 = "XXHASH128"

    /// `x-amz-checksum-crc32`, ...
    public var headerName: String { "x-amz-checksum-\(rawValue.lowercased())" }
    /// The XML element name, `ChecksumCRC32`, ...
    public var xmlName: String { "Checksum\(rawValue)" }

    public init?(caseInsensitive s: String) {
        guard let a = ChecksumAlgorithm(rawValue: s.uppercased()) else { return nil }
        self = a
    }

    /// Bytes of the binary digest (what the base64 value decodes to).
    public var digestLength: Int {
        switch self {
        case .crc32, .crc32c: return 4
        case .crc64nvme, .xxhash64, .xxhash3: return 8
        case .md5, .xxhash128: return 16
        case .sha1: return 20
        case .sha256: return 32
        case .sha512: return 64
        }
    }

    /// Whether a multipart object's whole-object value can be had from its parts' values alone:
    /// only CRCs can be combined (they are linear over GF(2)); hashes cannot, so S3 refuses
    /// FULL_OBJECT for SHA*, MD5 and XXHASH* multipart uploads.
    public var supportsFullObject: Bool {
        switch self {
        case .crc32, .crc32c, .crc64nvme: return true
        default: return false
        }
    }

    /// S3 refuses COMPOSITE for CRC64NVME only: its multipart checksum is always FULL_OBJECT.
    public var supportsComposite: Bool { self != .crc64nvme }

    /// The multipart checksum type S3 picks when CreateMultipartUpload names the algorithm
    /// without `x-amz-checksum-type`.
    public var defaultMultipartType: ChecksumType { supportsComposite ? .composite : .fullObject }

    /// The checksum S3 gives uploads that ask for none (since 2025): CRC64NVME, FULL_OBJECT.
    public static let `default`: ChecksumAlgorithm = .crc64nvme
}

/// How a multipart object's checksum derives from its parts' (`x-amz-checksum-type`).
public enum ChecksumType: String, Sendable, CaseIterable, Codable {
    /// The checksum of the concatenated part checksums, then `-N`.
    case composite = "COMPOSITE"
    /// The checksum of the whole object's bytes, as a single PUT would have it.
    case fullObject = "FULL_OBJECT"

    /// Whether `algorithm` can have this type (InvalidRequest otherwise).
    public func allows(_ algorithm: ChecksumAlgorithm) -> Bool {
        self == .composite ? algorithm.supportsComposite : algorithm.supportsFullObject
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
