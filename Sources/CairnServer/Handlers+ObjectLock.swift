import CairnModel
import CairnProtocol
import CairnStorage
import Foundation
import Hummingbird

extension S3Responder {
    /// PutObjectLockConfiguration: `ObjectLockEnabled` Enabled, and optionally a default retention
    /// (a mode and either Days or Years, a positive number).
    func putObjectLockConfiguration(_ call: S3Call) async throws -> Response {
        try call.headers.requireIntegrityHeader(for: "Put Object Lock Configuration")
        call.sendContinue()
        let xml = try RequestXML.decode(ObjectLockConfigurationXML.self, from: try await collectXMLBody(call))
        guard xml.ObjectLockEnabled?.value == "Enabled" else { throw S3Error(.malformedXML) }
        var config = ObjectLockConfiguration()
        if let rule = xml.Rule {
            guard let d = rule.DefaultRetention, let modeText = d.Mode?.value else { throw S3Error(.malformedXML) }
            guard let mode = ObjectLockMode(rawValue: modeText) else { throw S3Error(.malformedXML) }
            guard (d.Days == nil) != (d.Years == nil) else { throw S3Error(.malformedXML) }
            guard (d.Days?.value ?? d.Years?.value ?? 0) > 0 else {
                throw S3Error(.invalidArgument, "Default retention period must be a positive integer value.")
            }
            config = ObjectLockConfiguration(defaultMode: mode, defaultDays: d.Days?.value, defaultYears: d.Years?.value)
        }
        try await storage.setObjectLockConfiguration(call.bucket, config)
        return Responses.empty()
    }

    func getObjectLockConfiguration(_ call: S3Call) async throws -> Response {
        guard let config = call.bucket.record.objectLock, config.enabled else {
            throw S3Error(.objectLockConfigurationNotFound, fields: [("BucketName", call.bucket.name.rawValue)])
        }
        var w = XMLWriter()
        w.group("ObjectLockConfiguration", xmlns: XMLWriter.s3Namespace) { w in
            w.element("ObjectLockEnabled", "Enabled")
            if let mode = config.defaultMode {
                w.group("Rule") { w in
                    w.group("DefaultRetention") { w in
                        w.element("Mode", mode.rawValue)
                        if let d = config.defaultDays { w.element("Days", d) }
                        if let y = config.defaultYears { w.element("Years", y) }
                    }
                }
            }
        }
        return Responses.xml(w)
    }

    /// PutObjectRetention: an empty `<Retention/>` removes a GOVERNANCE retention (with bypass).
    func putObjectRetention(_ call: S3Call, _ address: ObjectAddress) async throws -> Response {
        try call.headers.requireIntegrityHeader(for: "Put Object Retention")
        call.sendContinue()
        let xml = try RequestXML.decode(RetentionXML.self, from: try await collectXMLBody(call))
        var retention: ObjectRetention?
        if xml.Mode != nil || xml.RetainUntilDate != nil {
            guard let modeText = xml.Mode?.value, let mode = ObjectLockMode(rawValue: modeText),
                  let dateText = xml.RetainUntilDate?.value, let date = S3Dates.parse(dateText) else { throw S3Error(.malformedXML) }
            guard date > Date() else { throw S3Error(.invalidArgument, "The retain until date must be in the future!") }
            retention = ObjectRetention(mode: mode, retainUntil: date)
        }
        let version = try await storage.setRetention(retention, in: call.bucket, key: address.key, version: address.versionID,
                                                     bypassGovernance: call.headers.bypassGovernance)
        var h = HTTPFields()
        versionHeader(version, call.bucket, into: &h)
        return Responses.empty(headers: h)
    }

    func getObjectRetention(_ call: S3Call, _ address: ObjectAddress) async throws -> Response {
        let (lock, _) = try await storage.lock(in: call.bucket, key: address.key, version: address.versionID)
        guard let r = lock.retention else { throw S3Error(.noSuchObjectLockConfiguration) }
        var w = XMLWriter()
        w.group("Retention", xmlns: XMLWriter.s3Namespace) { w in
            w.element("Mode", r.mode.rawValue)
            w.element("RetainUntilDate", S3Dates.iso8601(r.retainUntil))
        }
        return Responses.xml(w)
    }

    func putObjectLegalHold(_ call: S3Call, _ address: ObjectAddress) async throws -> Response {
        try call.headers.requireIntegrityHeader(for: "Put Object Legal Hold")
        call.sendContinue()
        let xml = try RequestXML.decode(LegalHoldXML.self, from: try await collectXMLBody(call))
        let on: Bool
        switch xml.Status?.value {
        case "ON": on = true
        case "OFF": on = false
        default: throw S3Error(.malformedXML)
        }
        let version = try await storage.setLegalHold(on, in: call.bucket, key: address.key, version: address.versionID)
        var h = HTTPFields()
        versionHeader(version, call.bucket, into: &h)
        return Responses.empty(headers: h)
    }

    func getObjectLegalHold(_ call: S3Call, _ address: ObjectAddress) async throws -> Response {
        let (lock, _) = try await storage.lock(in: call.bucket, key: address.key, version: address.versionID)
        guard let hold = lock.legalHold else { throw S3Error(.noSuchObjectLockConfiguration) }
        var w = XMLWriter()
        w.group("LegalHold", xmlns: XMLWriter.s3Namespace) { $0.element("Status", hold ? "ON" : "OFF") }
        return Responses.xml(w)
    }

    /// `x-amz-object-lock-*` on GET / HEAD.
    func objectLockHeaders(_ lock: ObjectLock, into h: inout HTTPFields) {
        if let r = lock.retention {
            h["x-amz-object-lock-mode"] = r.mode.rawValue
            h["x-amz-object-lock-retain-until-date"] = S3Dates.iso8601(r.retainUntil)
        }
        if let hold = lock.legalHold { h["x-amz-object-lock-legal-hold"] = hold ? "ON" : "OFF" }
    }
}
