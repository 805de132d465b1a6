import CairnModel
import Foundation

extension RequestHeaders {
    /// `x-amz-object-lock-mode` + `x-amz-object-lock-retain-until-date` (both or neither, a date in
    /// the future) and `x-amz-object-lock-legal-hold` (ON / OFF), with S3's errors. `withBody`: the
    /// request carries the object's bytes (PutObject), which S3 then wants integrity-checked.
    public func objectLock(withBody: Bool = false, now: Date = Date()) throws(S3Error) -> ObjectLock {
        var lock = ObjectLock()
        let mode = self["x-amz-object-lock-mode"], until = self["x-amz-object-lock-retain-until-date"]
        if mode != nil || until != nil {
            guard let mode, let until else {
                throw S3Error(.invalidArgument, "x-amz-object-lock-retain-until-date and x-amz-object-lock-mode must both be supplied")
            }
            guard let m = ObjectLockMode(rawValue: mode) else {
                throw S3Error(.invalidArgument, "Unknown wormMode directive.", fields: [("ArgumentName", "x-amz-object-lock-mode"), ("ArgumentValue", mode)])
            }
            guard let date = S3Dates.parse(until) else {
                throw S3Error(.invalidArgument, "The retain until date must be provided in ISO 8601 format",
                              fields: [("ArgumentName", "x-amz-object-lock-retain-until-date"), ("ArgumentValue", until)])
            }
            guard date > now else { throw S3Error(.invalidArgument, "The retain until date must be in the future!") }
            lock.retention = ObjectRetention(mode: m, retainUntil: date)
        }
        if let hold = self["x-amz-object-lock-legal-hold"] {
            switch hold {
            case "ON": lock.legalHold = true
            case "OFF": lock.legalHold = false
            default: throw S3Error(.invalidArgument, "Legal Hold must be either of 'ON' or 'OFF'")
            }
        }
        if withBody, !lock.isEmpty, !hasIntegrityHeader {
            throw S3Error(.invalidRequest, "Content-MD5 OR x-amz-checksum- HTTP header is required for Put Object requests with Object Lock parameters")
        }
        return lock
    }

    /// Whether the body comes with Content-MD5 or an `x-amz-checksum-*` (header or trailer), which
    /// S3 requires of every request that sets Object Lock state.
    public var hasIntegrityHeader: Bool {
        self["content-md5"] != nil || self["x-amz-sdk-checksum-algorithm"] != nil
            || fields.contains { $0.name.hasPrefix("x-amz-checksum-") || $0.name == "x-amz-trailer" }
    }

    /// Refuses an Object Lock configuration, retention or legal-hold request without one.
    public func requireIntegrityHeader(for operation: String) throws(S3Error) {
        guard hasIntegrityHeader else {
            throw S3Error(.invalidRequest, "Content-MD5 OR x-amz-checksum- HTTP header is required for \(operation) requests")
        }
    }

    /// `x-amz-bypass-governance-retention: true`: delete or shorten a GOVERNANCE retention (the
    /// principal must also be allowed `s3:BypassGovernanceRetention`).
    public var bypassGovernance: Bool { self["x-amz-bypass-governance-retention"]?.lowercased() == "true" }

    /// CreateBucket's `x-amz-bucket-object-lock-enabled: true`.
    public var objectLockEnabled: Bool { self["x-amz-bucket-object-lock-enabled"]?.lowercased() == "true" }
}
