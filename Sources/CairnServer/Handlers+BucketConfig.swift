import CairnModel
import CairnProtocol
import CairnStorage
import Foundation
import HTTPTypes
import Hummingbird

extension S3Responder {
    /// PutBucketLifecycleConfiguration: AbortIncompleteMultipartUpload, Expiration (Days, Date,
    /// ExpiredObjectDeleteMarker) and NoncurrentVersionExpiration, with Prefix / Tag / size / And
    /// filters. Transitions are refused: every object stays on the one disk.
    func putBucketLifecycle(_ call: S3Call) async throws -> Response {
        call.sendContinue()
        let config = try RequestXML.decode(LifecycleConfigurationXML.self, from: try await collectXMLBody(call))
        guard !config.Rule.isEmpty, config.Rule.count <= 1000 else { throw S3Error(.malformedXML) }
        var rules: [LifecycleRule] = []
        var ids = Set<String>()
        for (i, r) in config.Rule.enumerated() {
            guard r.Status.value == "Enabled" || r.Status.value == "Disabled" else { throw S3Error(.malformedXML) }
            if r.Transition != nil || r.NoncurrentVersionTransition != nil {
                throw S3Error(.notImplemented, "Storage class transitions are not supported by this server: every object is stored alike.")
            }
            let id = r.ID ?? "rule-\(i + 1)"
            guard id.count <= 255 else { throw S3Error(.invalidArgument, "ID length should not exceed allowed limit of 255") }
            guard ids.insert(id).inserted else { throw S3Error(.invalidArgument, "Rule ID must be unique. Found same ID for more than one rule") }
            var rule = LifecycleRule(id: id, prefix: r.prefix, enabled: r.Status.value == "Enabled", abortDaysAfterInitiation: nil)
            let and = r.Filter?.And
            let tags = (and?.Tag ?? []) + (r.Filter?.Tag.map { [$0] } ?? [])
            rule.tags = try tags.isEmpty ? nil : tags.map { t throws(S3Error) in
                guard let k = t.Key, let v = t.Value else { throw S3Error(.malformedXML) }
                return TagSet.Tag(key: k, value: v)
            }
            rule.sizeGreaterThan = (and?.ObjectSizeGreaterThan ?? r.Filter?.ObjectSizeGreaterThan)?.value
            rule.sizeLessThan = (and?.ObjectSizeLessThan ?? r.Filter?.ObjectSizeLessThan)?.value
            if let days = r.AbortIncompleteMultipartUpload?.DaysAfterInitiation?.value {
                guard days > 0, days <= Int(Int32.max) else {
                    throw S3Error(.invalidArgument, "'DaysAfterInitiation' for AbortIncompleteMultipartUpload action must be a positive integer")
                }
                if rule.tags != nil { throw S3Error(.invalidRequest, "AbortIncompleteMultipartUpload cannot be specified with Tags.") }
                rule.abortDaysAfterInitiation = days
            }
            if let e = r.Expiration {
                let given = [e.Days != nil, e.Date != nil, e.ExpiredObjectDeleteMarker != nil].filter { $0 }.count
                guard given == 1 else { throw S3Error(.malformedXML) }
                if let d = e.Days?.value {
                    guard d > 0 else { throw S3Error(.invalidArgument, "'Days' for Expiration action must be a positive integer") }
                    rule.expirationDays = d
                }
                if let text = e.Date?.value {
                    guard let date = S3Dates.parse(text), Int(date.timeIntervalSince1970) % 86_400 == 0 else {
                        throw S3Error(.invalidArgument, "'Date' must be at midnight GMT")
                    }
                    rule.expirationDate = date
                }
                if let m = e.ExpiredObjectDeleteMarker?.value {
                    if m, rule.tags != nil { throw S3Error(.invalidRequest, "ExpiredObjectDeleteMarker cannot be specified with Tags.") }
                    rule.expiredObjectDeleteMarker = m
                }
            }
            if let n = r.NoncurrentVersionExpiration {
                guard let days = n.NoncurrentDays?.value, days > 0 else {
                    throw S3Error(.invalidArgument, "'NoncurrentDays' for NoncurrentVersionExpiration action must be a positive integer")
                }
                rule.noncurrentDays = days
                if let keep = n.NewerNoncurrentVersions?.value {
                    guard (1...100).contains(keep) else {
                        throw S3Error(.invalidArgument, "'NewerNoncurrentVersions' for NoncurrentVersionExpiration action must be a positive integer up to 100")
                    }
                    rule.newerNoncurrentVersions = keep
                }
            }
            guard rule.abortDaysAfterInitiation != nil || rule.expirationDays != nil || rule.expirationDate != nil
                    || rule.expiredObjectDeleteMarker != nil || rule.noncurrentDays != nil else {
                throw S3Error(.invalidRequest, "At least one action needs to be specified in a rule")
            }
            rules.append(rule)
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
                    w.group("Filter") { w in
                        let tags = r.tags ?? []
                        if tags.isEmpty, r.sizeGreaterThan == nil, r.sizeLessThan == nil {
                            w.element("Prefix", r.prefix)
                        } else if tags.count == 1, r.prefix.isEmpty, r.sizeGreaterThan == nil, r.sizeLessThan == nil {
                            w.group("Tag") { w in
                                w.element("Key", tags[0].key)
                                w.element("Value", tags[0].value)
                            }
                        } else {
                            w.group("And") { w in
                                w.element("Prefix", r.prefix)
                                for t in tags {
                                    w.group("Tag") { w in
                                        w.element("Key", t.key)
                                        w.element("Value", t.value)
                                    }
                                }
                                if let gt = r.sizeGreaterThan { w.element("ObjectSizeGreaterThan", gt) }
                                if let lt = r.sizeLessThan { w.element("ObjectSizeLessThan", lt) }
                            }
                        }
                    }
                    w.element("Status", r.enabled ? "Enabled" : "Disabled")
                    if r.expirationDays != nil || r.expirationDate != nil || r.expiredObjectDeleteMarker != nil {
                        w.group("Expiration") { w in
                            if let d = r.expirationDays { w.element("Days", d) }
                            if let d = r.expirationDate { w.element("Date", S3Dates.iso8601(d)) }
                            if let m = r.expiredObjectDeleteMarker { w.element("ExpiredObjectDeleteMarker", m) }
                        }
                    }
                    if let n = r.noncurrentDays {
                        w.group("NoncurrentVersionExpiration") { w in
                            w.element("NoncurrentDays", n)
                            if let k = r.newerNoncurrentVersions { w.element("NewerNoncurrentVersions", k) }
                        }
                    }
                    if let d = r.abortDaysAfterInitiation {
                        w.group("AbortIncompleteMultipartUpload") { $0.element("DaysAfterInitiation", d) }
                    }
                }
            }
        }
        return Responses.xml(w)
    }

    /// `x-amz-expiration: expiry-date="...", rule-id="..."` for a current version a rule will expire.
    func expirationHeader(_ object: ObjectRecord, _ call: S3Call, into h: inout HTTPFields) {
        let rules = storage.lifecycleRules(call.bucket)
        guard !rules.isEmpty, let (date, id) = storage.expiration(of: object, rules: rules, clock: lifecycleClock) else { return }
        h["x-amz-expiration"] = "expiry-date=\"\(S3Dates.http(date))\", rule-id=\"\(id)\""
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
