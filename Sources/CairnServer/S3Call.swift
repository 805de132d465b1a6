import CairnModel
import CairnPolicy
import CairnProtocol
import CairnSigV4
import CairnStorage
import Foundation
import HTTPTypes
import Hummingbird

/// One authenticated request on its way through a handler: what was parsed, who sent it, and typed
/// access to its headers and query.
struct S3Call: Sendable {
    let request: Request
    let context: S3RequestContext
    let endpoint: S3Endpoint
    let principal: Principal
    /// The bucket (and copy source) the request addresses, read and authorized before dispatch.
    let access: RequestAccess
    let payload: PayloadMode
    let query: [String: String]
    /// The headers as typed values (with a presigned URL's `x-amz-*` query parameters, which S3
    /// applies as headers).
    let headers: RequestHeaders
    /// Whether the connection is HTTPS (SSE-C requires it unless the server allows otherwise).
    let secure: Bool
    let allowInsecureSSEC: Bool
    /// POST Object: the form read before authorization (its key, signer and file).
    var postUpload: PostObjectUpload? = nil

    /// Who owns what the request creates: the signed user (an anonymous writer, once policies
    /// allow one, gives the bucket's owner its objects, as S3 does).
    var owner: Owner {
        principal.user?.owner ?? access.bucket?.owner ?? Owner(id: "anonymous", displayName: "anonymous")
    }

    /// Who owns the object a PutObject, CopyObject or CreateMultipartUpload writes, and its ACL,
    /// as the authorize step decided them.
    var objectWrite: ObjectWriteOwnership { access.objectWrite ?? ObjectWriteOwnership(owner: owner, grants: nil) }

    /// The bucket the endpoint addresses. Dispatch runs only after `authorize` loaded it for every
    /// endpoint that `needsBucket`, so a handler of such an endpoint always has it.
    var bucket: BucketContext {
        guard let b = access.bucket else { preconditionFailure("\(endpoint.operationName) dispatched without its bucket") }
        return b
    }

    /// The `x-amz-*` query parameters of a presigned request (`X-Amz-Signature` or `Signature` in
    /// the query), less the signature's own parameters.
    static func presignedQueryHeaders(_ query: [(String, String)]) -> [(String, String)] {
        guard query.contains(where: { $0.0 == "X-Amz-Signature" || $0.0 == "Signature" }) else { return [] }
        let own: Set<String> = ["x-amz-algorithm", "x-amz-credential", "x-amz-date", "x-amz-expires",
                                "x-amz-signedheaders", "x-amz-signature"]
        return query.compactMap { name, value in
            let lower = name.lowercased()
            return lower.hasPrefix("x-amz-") && !own.contains(lower) ? (lower, value) : nil
        }
    }

    /// Asks the client for the body (`100 Continue`) now that the request is accepted.
    func sendContinue() {
        context.channel.triggerUserOutboundEvent(SendContinue(), promise: nil)
    }
}
