import CairnModel
import Foundation

extension RequestHeaders {
    /// `Content-MD5`: 16 bytes in base64, else InvalidDigest.
    public func contentMD5() throws(S3Error) -> [UInt8]? {
        guard let md5 = self["content-md5"] else { return nil }
        guard let d = Data(base64Encoded: md5), d.count == 16 else { throw S3Error(.invalidDigest) }
        return Array(d)
    }

    /// The request's one `x-amz-checksum-*` header, validated (a single header, base64 of the
    /// algorithm's digest length). `partCount`: CompleteMultipartUpload's whole-object value may end
    /// in `-N`, as COMPOSITE checksums do.
    public func checksum(partCount: Bool = false) throws(S3Error) -> Checksum? {
        var found: Checksum?
        for alg in ChecksumAlgorithm.allCases {
            guard let v = self[alg.headerName] else { continue }
            guard found == nil else {
                throw S3Error(.invalidRequest, "Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.")
            }
            var digest = Substring(v)
            if partCount, let dash = v.lastIndex(of: "-"), Int(v[v.index(after: dash)...]) != nil { digest = v[..<dash] }
            guard let raw = Data(base64Encoded: String(digest)), raw.count == alg.digestLength else {
                throw S3Error(.invalidRequest, "Value for \(alg.headerName) header is invalid.")
            }
            found = Checksum(alg, base64: v)
        }
        return found
    }

    /// `x-amz-sdk-checksum-algorithm`: what the SDK computed (the value itself comes in a header
    /// or a trailer).
    public func sdkChecksumAlgorithm() throws(S3Error) -> ChecksumAlgorithm? {
        guard let sdk = self["x-amz-sdk-checksum-algorithm"] else { return nil }
        guard let alg = ChecksumAlgorithm(caseInsensitive: sdk) else {
            throw S3Error(.invalidRequest, "Value for x-amz-sdk-checksum-algorithm header is invalid.")
        }
        return alg
    }

    /// `x-amz-trailer`: the checksum an aws-chunked body announces in its trailer.
    public func trailerChecksumAlgorithm() throws(S3Error) -> ChecksumAlgorithm? {
        guard let t = self["x-amz-trailer"] else { return nil }
        let name = t.trimmingHTTPWhitespace.lowercased()
        guard let alg = ChecksumAlgorithm.allCases.first(where: { $0.headerName == name }) else {
            throw S3Error(.invalidRequest, "The value specified in the x-amz-trailer header is not supported")
        }
        return alg
    }

    /// `x-amz-checksum-algorithm` (CreateMultipartUpload, CopyObject), case-insensitive.
    public func checksumAlgorithm() throws(S3Error) -> ChecksumAlgorithm? {
        guard let raw = self["x-amz-checksum-algorithm"] else { return nil }
        guard let a = ChecksumAlgorithm(caseInsensitive: raw) else {
            let valid = ChecksumAlgorithm.allCases.map(\.rawValue).joined(separator: ", ")
            throw S3Error(.invalidRequest, "Checksum algorithm provided is unsupported. Please try again with any of the valid types: [\(valid)]")
        }
        return a
    }

    /// CreateMultipartUpload's `x-amz-checksum-algorithm` and `x-amz-checksum-type` (defaulted per
    /// algorithm; a type alone, or a type the algorithm cannot have, is InvalidRequest).
    public func multipartChecksum() throws(S3Error) -> (ChecksumAlgorithm, ChecksumType)? {
        guard let a = try checksumAlgorithm() else {
            if self["x-amz-checksum-type"] != nil {
                throw S3Error(.invalidRequest, "The x-amz-checksum-type header can only be used with the x-amz-checksum-algorithm header.")
            }
            return nil
        }
        var type = a.defaultMultipartType
        if let rawType = self["x-amz-checksum-type"] {
            guard let t = ChecksumType(rawValue: rawType.uppercased()) else {
                throw S3Error(.invalidRequest, "Value for x-amz-checksum-type header is invalid.")
            }
            type = t
        }
        // Only CRCs combine into a FULL_OBJECT value; CRC64NVME has no COMPOSITE form (AWS).
        guard type.allows(a) else {
            throw S3Error(.invalidRequest, "The \(type.rawValue) checksum type cannot be used with the \(a.rawValue.lowercased()) checksum algorithm.")
        }
        return (a, type)
    }

    /// `x-amz-checksum-mode: ENABLED` on GET / HEAD: return the stored checksum.
    public var checksumMode: Bool {
        self["x-amz-checksum-mode"]?.uppercased() == "ENABLED"
    }
}
