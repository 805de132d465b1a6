import CairnModel
import CairnProtocol
import CairnStorage
import Foundation
import HTTPTypes
import Hummingbird

extension S3Responder {
    func putBucketEncryption(_ call: S3Call) async throws -> Response {
        call.sendContinue()
        let config = try RequestXML.decode(ServerSideEncryptionConfigurationXML.self, from: try await collectXMLBody(call))
        guard config.Rule.count == 1, let d = config.Rule[0].ApplyServerSideEncryptionByDefault else { throw S3Error(.malformedXML) }
        guard let algorithm = SSEAlgorithm(rawValue: d.SSEAlgorithm.value) else {
            throw S3Error(.malformedXML, "The XML you provided was not well-formed or did not validate against our published schema")
        }
        if algorithm == .aes256, d.KMSMasterKeyID != nil {
            throw S3Error(.invalidArgument, "a KMSMasterKeyID is not applicable if the default sse algorithm is not aws:kms or aws:kms:dsse")
        }
        try await storage.setBucketEncryption(call.bucket,
                                              BucketEncryptionDefault(algorithm: algorithm, kmsKeyID: d.KMSMasterKeyID,
                                                                      bucketKeyEnabled: config.Rule[0].BucketKeyEnabled?.value ?? false))
        return Responses.empty()
    }

    func getBucketEncryption(_ call: S3Call) async throws -> Response {
        guard let d = try await storage.bucketEncryption(call.bucket.name) else {
            throw S3Error(.serverSideEncryptionConfigurationNotFound, fields: [("BucketName", call.bucket.name.rawValue)])
        }
        var w = XMLWriter()
        w.group("ServerSideEncryptionConfiguration", xmlns: XMLWriter.s3Namespace) { w in
            w.group("Rule") { w in
                w.group("ApplyServerSideEncryptionByDefault") { w in
                    w.element("SSEAlgorithm", d.algorithm.rawValue)
                    w.element("KMSMasterKeyID", d.kmsKeyID)
                }
                w.element("BucketKeyEnabled", d.bucketKeyEnabled)
            }
        }
        return Responses.xml(w)
    }

    func deleteBucketEncryption(_ call: S3Call) async throws -> Response {
        try await storage.setBucketEncryption(call.bucket, nil)
        return Responses.empty(.noContent)
    }

    /// The encryption of a new object or upload and the SSE-C key that goes with it.
    func writeEncryption(_ call: S3Call) async throws -> (ObjectEncryption?, CustomerKey?) {
        let request = try call.encryptionRequest()
        let key: CustomerKey? = if case .customer(let k) = request { k } else { nil }
        return (try await storage.resolveEncryption(request, bucket: call.bucket.name), key)
    }
}
