import CairnModel
import CairnSigV4
import Hummingbird
import NIOCore

/// The request body as the object's bytes. Plain bodies pass through; `aws-chunked` framing is not
/// decoded yet, so such requests are refused rather than stored with framing bytes in them.
enum BodyDecoding {
    static func body(_ call: S3Call) throws(S3Error) -> RequestBody {
        if case .streaming(let s) = call.payload {
            throw S3Error(.notImplemented, "aws-chunked request bodies (\(s.kind.rawValue)) are not supported yet.",
                          fields: [("Header", "x-amz-content-sha256")])
        }
        return call.request.body
    }
}
