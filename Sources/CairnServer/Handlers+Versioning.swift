import CairnModel
import CairnProtocol
import CairnStorage
import Foundation
import Hummingbird

extension S3Responder {
    /// PutBucketVersioning: `Enabled` or `Suspended`. MFA delete cannot be turned on: Cairn has no
    /// MFA devices to check an `x-amz-mfa` value against, so it refuses as S3 refuses a request
    /// without a valid MFA.
    func putBucketVersioning(_ call: S3Call) async throws -> Response {
        call.sendContinue()
        let config = try RequestXML.decode(VersioningConfigurationXML.self, from: try await collectXMLBody(call))
        switch config.MfaDelete?.value {
        case nil, "Disabled": break
        case "Enabled": throw S3Error(.accessDenied, "Mfa Authentication must be used for this request")
        default: throw S3Error(.malformedXML)
        }
        if let raw = config.Status?.value {
            guard let status = VersioningStatus(rawValue: raw) else { throw S3Error(.malformedXML) }
            try await storage.setVersioning(call.bucket, status)
        }
        return Responses.empty()
    }

    /// GetBucketVersioning: no Status for a bucket never versioned, as S3 answers.
    func getBucketVersioning(_ call: S3Call) async throws -> Response {
        var w = XMLWriter()
        w.group("VersioningConfiguration", xmlns: XMLWriter.s3Namespace) { w in
            w.element("Status", call.bucket.record.versioning?.rawValue)
        }
        return Responses.xml(w)
    }
}
