import CairnModel
import CairnProtocol
import CairnStorage
import Foundation
import HTTPTypes
import Hummingbird

extension S3Responder {
    func putBucketLifecycle(_ call: S3Call) async throws -> Response {
        call.sendContinue()
        let config = try RequestXML.decode(LifecycleConfigurationXML.self, from: try await collectXMLBody(call))
        guard !config.Rule.isEmpty, config.Rule.count <= 1000 else { throw S3Error(.malformedXML) }
        var rules: [LifecycleRule] = []
        var ids = Set<String>()
        for (i, r) in config.Rule.enumerated() {
            guard r.Status.value == "Enabled" || r.Status.value == "Disabled" else { throw S3Error(.malformedXML) }
            if r.Expiration != nil || r.Transition != nil || r.NoncurrentVersionExpiration != nil || r.NoncurrentVersionTransition != nil {
                throw S3Error(.notImplemented, "Only AbortIncompleteMultipartUpload lifecycle actions are supported by this server.")
            }
            guard let days = r.AbortIncompleteMultipartUpload?.DaysAfterInitiation?.value else {
                throw S3Error(.invalidRequest, "At least one action needs to be specified in a rule")
            }
            guard days > 0, days <= Int(Int32.max) else {
                throw S3Error(.invalidArgument, "'DaysAfterInitiation' for AbortIncompleteMultipartUpload action must be a positive integer")
            }
            if r.Filter?.Tag != nil {
                throw S3Error(.invalidRequest, "AbortIncompleteMultipartUpload cannot be specified with Tags.")
            }
            let id = r.ID ?? "rule-\(i + 1)"
            guard ids.insert(id).inserted else { throw S3Error(.invalidArgument, "Rule ID must be unique. Found same ID for more than one rule") }
            rules.append(LifecycleRule(id: id, prefix: r.prefix, enabled: r.Status.value == "Enabled", abortDaysAfterInitiation: days))
        }
        try await storage.setLifecycleRules(call.bucket, rules: rules)
        return Responses.empty()
    }

    func getBucketLifecycle(_ call: S3Call) async throws -> Response {
        guard let rules = try await storage.lifecycleRules(call.bucket.name) else {
            throw S3Error(.noSuchLifecycleConfiguration, fields: [("BucketName", call.bucket.name.rawValue)])
        }
        var w = XMLWriter()
        w.group("LifecycleConfiguration", xmlns: XMLWriter.s3Namespace) { w in
            for r in rules {
                w.group("Rule") { w in
                    w.element("ID", r.id)
                    w.group("Filter") { $0.element("Prefix", r.prefix) }
                    w.element("Status", r.enabled ? "Enabled" : "Disabled")
                    if let d = r.abortDaysAfterInitiation {
                        w.group("AbortIncompleteMultipartUpload") { $0.element("DaysAfterInitiation", d) }
                    }
                }
            }
        }
        return Responses.xml(w)
    }

    func deleteBucketLifecycle(_ call: S3Call) async throws -> Response {
        try await storage.setLifecycleRules(call.bucket, rules: nil)
        return Responses.empty(.noContent)
    }

    func putBucketRequestPayment(_ call: S3Call) async throws -> Response {
        call.sendContinue()
        let config = try RequestXML.decode(RequestPaymentConfigurationXML.self, from: try await collectXMLBody(call))
        guard let payer = RequestPayer(rawValue: config.Payer.value) else { throw S3Error(.malformedXML) }
        try await storage.setRequestPayer(call.bucket, payer: payer)
        return Responses.empty()
    }

    func getBucketRequestPayment(_ call: S3Call) async throws -> Response {
        let payer = storage.requestPayer(call.bucket)
        var w = XMLWriter()
        w.group("RequestPaymentConfiguration", xmlns: XMLWriter.s3Namespace) { $0.element("Payer", payer) }
        return Responses.xml(w)
    }

    /// `x-amz-abort-date` / `x-amz-abort-rule-id` when a lifecycle rule will abort this upload.
    func addAbortRule(_ h: inout HTTPFields, _ upload: UploadRecord) async throws {
        guard let (date, id) = try await storage.abortRule(for: upload, clock: lifecycleClock) else { return }
        h["x-amz-abort-date"] = S3Dates.http(date)
        h["x-amz-abort-rule-id"] = id
    }

    /// `x-amz-request-charged: requester` when a requester-pays bucket was used by a request that
    /// accepted the charge (`x-amz-request-payer: requester`). The bucket is as the request found it.
    func requestChargedHeader(_ call: S3Call) -> String? {
        guard call.headers.requesterPays,
              call.access.bucket?.record.requestPayer == .requester
        else { return nil }
        return "requester"
    }
}
