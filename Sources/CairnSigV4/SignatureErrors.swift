import CairnModel
import Foundation

/// The authentication errors both signature versions answer, with the extra fields S3 puts in them.
extension S3Error {
    /// 403 SignatureDoesNotMatch as S3 writes it: the access key, the string to sign and the
    /// signature the request carried, each string also as its bytes in hex (so a client can spot an
    /// invisible difference), and for SigV4 the canonical request.
    static func signatureDoesNotMatch(accessKey: String, stringToSign: String, provided: String,
                                      canonicalRequest: String? = nil) -> S3Error {
        var fields = [
            ("AWSAccessKeyId", accessKey), ("StringToSign", stringToSign), ("SignatureProvided", provided),
            ("StringToSignBytes", hexBytes(stringToSign)),
        ]
        if let creq = canonicalRequest {
            fields += [("CanonicalRequest", creq), ("CanonicalRequestBytes", hexBytes(creq))]
        }
        return S3Error(.signatureDoesNotMatch, fields: fields)
    }

    /// 403 RequestTimeTooSkewed with AWS's fields; `requestTime` is the date as the request sent it.
    static func requestTimeTooSkewed(requestTime: String, now: Date) -> S3Error {
        S3Error(.requestTimeTooSkewed, fields: [
            ("RequestTime", requestTime), ("ServerTime", UTCDate(now).iso8601(milliseconds: false)), ("MaxAllowedSkewMilliseconds", "900000"),
        ])
    }

    /// `41 57 53 ...`: the bytes of `s` in hex, as S3's `StringToSignBytes`.
    static func hexBytes(_ s: String) -> String {
        s.utf8.map { Hex.encode([$0]) }.joined(separator: " ")
    }
}
