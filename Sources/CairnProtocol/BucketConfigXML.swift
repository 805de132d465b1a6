import CairnModel
import Foundation

/// `<LifecycleConfiguration>` as S3 accepts it (Filter/Prefix, the legacy Rule/Prefix, And).
public struct LifecycleConfigurationXML: Decodable, Sendable {
    public struct Rule: Decodable, Sendable {
        public struct FilterXML: Decodable, Sendable {
            public struct AndXML: Decodable, Sendable {
                public var Prefix: String?
                public var Tag: [TagXML]?
                public var ObjectSizeGreaterThan: XMLToken<Int64>?
                public var ObjectSizeLessThan: XMLToken<Int64>?
            }
            public struct TagXML: Decodable, Sendable { public var Key: String?; public var Value: String? }
            public var Prefix: String?
            public var And: AndXML?
            public var Tag: TagXML?
            public var ObjectSizeGreaterThan: XMLToken<Int64>?
            public var ObjectSizeLessThan: XMLToken<Int64>?
        }
        public struct ExpirationXML: Decodable, Sendable {
            public var Days: XMLToken<Int>?
            public var Date: XMLToken<String>?
            public var ExpiredObjectDeleteMarker: XMLToken<Bool>?
        }
        public struct NoncurrentExpirationXML: Decodable, Sendable {
            public var NoncurrentDays: XMLToken<Int>?
            public var NewerNoncurrentVersions: XMLToken<Int>?
        }
        public struct AbortIncomplete: Decodable, Sendable { public var DaysAfterInitiation: XMLToken<Int>? }
        public struct Empty: Decodable, Sendable {}
        public var ID: String?
        public var Prefix: String?
        public var Filter: FilterXML?
        public var Status: XMLToken<String>
        public var AbortIncompleteMultipartUpload: AbortIncomplete?
        public var Expiration: ExpirationXML?
        public var Transition: [Empty]?
        public var NoncurrentVersionExpiration: NoncurrentExpirationXML?
        public var NoncurrentVersionTransition: [Empty]?

        public var prefix: String { Filter?.Prefix ?? Filter?.And?.Prefix ?? Prefix ?? "" }
    }
    public var Rule: [Rule]
}

/// `<RequestPaymentConfiguration>`.
public struct RequestPaymentConfigurationXML: Decodable, Sendable {
    public var Payer: XMLToken<String>
}

/// `<ObjectLockConfiguration>` of PutObjectLockConfiguration.
public struct ObjectLockConfigurationXML: Decodable, Sendable {
    public struct Rule: Decodable, Sendable {
        public struct DefaultRetention: Decodable, Sendable {
            public var Mode: XMLToken<String>?
            public var Days: XMLToken<Int>?
            public var Years: XMLToken<Int>?
        }
        public var DefaultRetention: DefaultRetention?
    }
    public var ObjectLockEnabled: XMLToken<String>?
    public var Rule: Rule?
}

/// `<Retention>` of PutObjectRetention.
public struct RetentionXML: Decodable, Sendable {
    public var Mode: XMLToken<String>?
    public var RetainUntilDate: XMLToken<String>?
}

/// `<LegalHold>` of PutObjectLegalHold.
public struct LegalHoldXML: Decodable, Sendable {
    public var Status: XMLToken<String>?
}

/// `<VersioningConfiguration>` of PutBucketVersioning.
public struct VersioningConfigurationXML: Decodable, Sendable {
    public var Status: XMLToken<String>?
    public var MfaDelete: XMLToken<String>?
}

/// `<ServerSideEncryptionConfiguration>` of PutBucketEncryption.
public struct ServerSideEncryptionConfigurationXML: Decodable, Sendable {
    public struct Rule: Decodable, Sendable {
        public struct ByDefault: Decodable, Sendable {
            public var SSEAlgorithm: XMLToken<String>
            public var KMSMasterKeyID: String?
        }
        public var ApplyServerSideEncryptionByDefault: ByDefault?
        public var BucketKeyEnabled: XMLToken<Bool>?
    }
    public var Rule: [Rule]
}
