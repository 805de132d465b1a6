import CairnHashing
import CairnModel
import CairnSigV4
import CairnStorage
import Foundation

/// Everything a request promised about its body: Content-MD5, the signed SHA-256 and an
/// `x-amz-checksum-*` value. Checked by storage after the last byte, before anything is committed.
struct PayloadVerifier: PayloadCheck {
    var contentMD5: [UInt8]?
    var sha256Hex: String?
    var checksum: Checksum?
    var requestedAlgorithm: ChecksumAlgorithm?
    /// Set for parts of a multipart upload created without an algorithm: they keep S3's default
    /// CRC64NVME, computed in the same pass as whatever checksum the part was sent with.
    var defaultAlgorithm: ChecksumAlgorithm?
    var declaredLength: Int64?
    /// For aws-chunked bodies: the checksum header announced in `x-amz-trailer`, and where the
    /// decoder leaves the trailer's value.
    var trailerAlgorithm: ChecksumAlgorithm?
    var trailers: TrailerBox?

    var needsSHA256: Bool { sha256Hex != nil }
    var checksumAlgorithm: ChecksumAlgorithm? { checksum?.algorithm ?? trailerAlgorithm ?? requestedAlgorithm }
    var storedAlgorithm: ChecksumAlgorithm? { defaultAlgorithm ?? checksumAlgorithm }

    /// The checksum value the client sent (header or trailer); after a successful `verify` it is
    /// also the computed one. UploadPart echoes only this (AWS: "only present if the checksum was
    /// provided in the request").
    var sentChecksum: Checksum? {
        if let checksum { return checksum }
        guard let alg = trailerAlgorithm, let value = trailers?.trailers?.first(where: { $0.name == alg.headerName })?.value else { return nil }
        return Checksum(alg, base64: value)
    }

    /// `checksumHeaders: false` for CompleteMultipartUpload, whose `x-amz-checksum-*` header is the
    /// object's checksum, not the XML body's.
    init(call: S3Call, trailers: TrailerBox? = nil, checksumHeaders: Bool = true) throws(S3Error) {
        self.trailers = trailers
        let headers = call.headers
        contentMD5 = try headers.contentMD5()
        if case .signed(let hex) = call.payload { sha256Hex = hex }
        if checksumHeaders { checksum = try headers.checksum() }
        requestedAlgorithm = try headers.sdkChecksumAlgorithm()
        if case .streaming = call.payload {
            declaredLength = try headers.decodedContentLength()
            if let alg = try headers.trailerChecksumAlgorithm() {
                if checksum != nil, checksum?.algorithm != alg {
                    throw S3Error(.invalidRequest, "Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.")
                }
                trailerAlgorithm = alg
            }
        } else {
            declaredLength = headers.contentLength
        }
    }

    /// Makes the checksum of an upload's algorithm computed even when the request sent none. An
    /// upload created without an algorithm gets S3's default, CRC64NVME, for every part, computed
    /// next to (not instead of) whatever checksum the part was sent with.
    mutating func require(_ algorithm: ChecksumAlgorithm?) throws(S3Error) {
        guard let algorithm else {
            defaultAlgorithm = .default
            return
        }
        if let sent = checksum?.algorithm ?? trailerAlgorithm, sent != algorithm {
            throw S3Error(.invalidRequest, "Checksum Type mismatch occurred, expected checksum Type: \(algorithm.rawValue.lowercased()), actual checksum Type: \(sent.rawValue.lowercased())")
        }
        requestedAlgorithm = algorithm
    }

    func verify(_ d: BodyDigests) throws {
        if let n = declaredLength, d.size < n { throw S3Error(.incompleteBody) }
        if let expected = sha256Hex, let got = d.sha256, Hex.encode(got) != expected {
            throw S3Error(.xAmzContentSHA256Mismatch, fields: [("ClientComputedContentSHA256", expected), ("S3ComputedContentSHA256", Hex.encode(got))])
        }
        if let md5 = contentMD5, md5 != d.md5 {
            throw S3Error(.badDigest, fields: [("ExpectedDigest", Data(md5).base64EncodedString()),
                                               ("CalculatedDigest", Data(d.md5).base64EncodedString())])
        }
        if let c = checksum, let got = d.checksum(c.algorithm), got.base64 != c.base64 {
            throw S3Error(.badDigest, "The \(c.algorithm.rawValue) you specified did not match the calculated checksum.")
        }
        if let alg = trailerAlgorithm, let box = trailers {
            guard let value = box.trailers?.first(where: { $0.name == alg.headerName })?.value else {
                throw S3Error(.invalidRequest, "The \(alg.headerName) trailer announced in x-amz-trailer was not sent.")
            }
            guard let raw = Data(base64Encoded: value), raw.count == alg.digestLength else {
                throw S3Error(.invalidRequest, "Value for \(alg.headerName) trailing header is invalid.")
            }
            if d.checksum(alg)?.base64 != value {
                throw S3Error(.badDigest, "The \(alg.rawValue) you specified did not match the calculated checksum.")
            }
        }
    }
}
