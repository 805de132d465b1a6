/// Every S3 error Cairn can answer with: AWS's code, HTTP status and default message, in one table.
///
/// Messages are AWS's own wording (from the S3 API reference "Error responses" list), so clients and
/// people comparing against AWS see the same text.
public enum S3ErrorCode: String, Sendable, CaseIterable {
    case accessDenied = "AccessDenied"
    case badDigest = "BadDigest"
    case badRequest = "BadRequest"
    case bucketAlreadyExists = "BucketAlreadyExists"
    case bucketAlreadyOwnedByYou = "BucketAlreadyOwnedByYou"
    case bucketNotEmpty = "BucketNotEmpty"
    case entityTooLarge = "EntityTooLarge"
    case entityTooSmall = "EntityTooSmall"
    case incompleteBody = "IncompleteBody"
    case internalError = "InternalError"
    case invalidAccessKeyId = "InvalidAccessKeyId"
    case invalidArgument = "InvalidArgument"
    case invalidBucketName = "InvalidBucketName"
    case invalidDigest = "InvalidDigest"
    case invalidPart = "InvalidPart"
    case invalidPartOrder = "InvalidPartOrder"
    case invalidRange = "InvalidRange"
    case invalidRequest = "InvalidRequest"
    case keyTooLongError = "KeyTooLongError"
    case malformedXML = "MalformedXML"
    case metadataTooLarge = "MetadataTooLarge"
    case methodNotAllowed = "MethodNotAllowed"
    case missingContentLength = "MissingContentLength"
    case missingSecurityHeader = "MissingSecurityHeader"
    case noSuchBucket = "NoSuchBucket"
    case noSuchKey = "NoSuchKey"
    case noSuchUpload = "NoSuchUpload"
    case noSuchLifecycleConfiguration = "NoSuchLifecycleConfiguration"
    case notImplemented = "NotImplemented"
    case preconditionFailed = "PreconditionFailed"
    case requestTimeTooSkewed = "RequestTimeTooSkewed"
    case signatureDoesNotMatch = "SignatureDoesNotMatch"
    case xAmzContentSHA256Mismatch = "XAmzContentSHA256Mismatch"
    case authorizationHeaderMalformed = "AuthorizationHeaderMalformed"
    case authorizationQueryParametersError = "AuthorizationQueryParametersError"
    case invalidObjectState = "InvalidObjectState"
    case notModified = "NotModified"
    case requestTimeout = "RequestTimeout"
    case invalidEncryptionAlgorithmError = "InvalidEncryptionAlgorithmError"
    case invalidStorageClass = "InvalidStorageClass"
    case invalidTag = "InvalidTag"
    case noSuchTagSet = "NoSuchTagSet"
    case noSuchVersion = "NoSuchVersion"
    case illegalLocationConstraint = "IllegalLocationConstraintException"
    case invalidPartNumber = "InvalidPartNumber"
    case kmsNotFound = "KMS.NotFoundException"
    case serverSideEncryptionConfigurationNotFound = "ServerSideEncryptionConfigurationNotFoundError"
    case malformedPolicy = "MalformedPolicy"
    case invalidBucketState = "InvalidBucketState"
    case objectLockConfigurationNotFound = "ObjectLockConfigurationNotFoundError"
    case noSuchObjectLockConfiguration = "NoSuchObjectLockConfiguration"
    case noSuchBucketPolicy = "NoSuchBucketPolicy"
    case slowDown = "SlowDown"
    case serviceUnavailable = "ServiceUnavailable"
    case requestHeaderSectionTooLarge = "RequestHeaderSectionTooLarge"
    case malformedACLError = "MalformedACLError"
    case accessControlListNotSupported = "AccessControlListNotSupported"
    case invalidBucketAclWithObjectOwnership = "InvalidBucketAclWithObjectOwnership"
    case unresolvableGrantByEmailAddress = "UnresolvableGrantByEmailAddress"
    case ownershipControlsNotFound = "OwnershipControlsNotFoundError"
    case noSuchPublicAccessBlockConfiguration = "NoSuchPublicAccessBlockConfiguration"
    case unexpectedContent = "UnexpectedContent"
    /// Not an AWS code (S3 has no quotas): Ceph RGW's answer to a write past a bucket quota.
    case quotaExceeded = "QuotaExceeded"
    /// A CORS preflight the bucket's rules refuse (or a bucket with no CORS configuration).
    case accessForbidden = "AccessForbidden"
    case noSuchCORSConfiguration = "NoSuchCORSConfiguration"
    /// Browser form uploads (POST Object).
    case malformedPOSTRequest = "MalformedPOSTRequest"
    case maxPostPreDataLengthExceeded = "MaxPostPreDataLengthExceededError"
    case invalidPolicyDocument = "InvalidPolicyDocument"
    case incorrectNumberOfFilesInPostRequest = "IncorrectNumberOfFilesInPostRequest"

    /// The HTTP status AWS answers with for this code.
    public var httpStatus: Int {
        switch self {
        case .accessDenied, .invalidAccessKeyId, .signatureDoesNotMatch, .requestTimeTooSkewed,
             .invalidObjectState, .quotaExceeded, .accessForbidden:
            return 403
        case .noSuchBucket, .noSuchKey, .noSuchUpload, .noSuchLifecycleConfiguration, .noSuchVersion, .noSuchTagSet,
             .serverSideEncryptionConfigurationNotFound, .noSuchBucketPolicy, .objectLockConfigurationNotFound,
             .noSuchObjectLockConfiguration, .ownershipControlsNotFound, .noSuchPublicAccessBlockConfiguration,
             .noSuchCORSConfiguration:
            return 404
        case .bucketAlreadyExists, .bucketAlreadyOwnedByYou, .bucketNotEmpty, .invalidBucketState:
            return 409
        case .methodNotAllowed: return 405
        case .missingContentLength: return 411
        case .preconditionFailed: return 412
        case .invalidRange, .invalidPartNumber: return 416
        case .notModified: return 304
        case .internalError: return 500
        case .notImplemented: return 501
        case .slowDown, .serviceUnavailable: return 503
        default: return 400
        }
    }

    /// AWS's default message for this code.
    public var defaultMessage: String {
        switch self {
        case .accessDenied: return "Access Denied"
        case .badDigest: return "The Content-MD5 you specified did not match what we received."
        case .badRequest: return "Bad Request"
        case .bucketAlreadyExists:
            return "The requested bucket name is not available. The bucket namespace is shared by all users of the system. Please select a different name and try again."
        case .bucketAlreadyOwnedByYou:
            return "Your previous request to create the named bucket succeeded and you already own it."
        case .bucketNotEmpty: return "The bucket you tried to delete is not empty"
        case .entityTooLarge: return "Your proposed upload exceeds the maximum allowed size"
        case .entityTooSmall: return "Your proposed upload is smaller than the minimum allowed size"
        case .incompleteBody: return "You did not provide the number of bytes specified by the Content-Length HTTP header"
        case .internalError: return "We encountered an internal error. Please try again."
        case .invalidAccessKeyId: return "The AWS Access Key Id you provided does not exist in our records."
        case .invalidArgument: return "Invalid Argument"
        case .invalidBucketName: return "The specified bucket is not valid."
        case .invalidDigest: return "The Content-MD5 you specified is not valid."
        case .invalidPart:
            return "One or more of the specified parts could not be found.  The part may not have been uploaded, or the specified entity tag may not match the part's entity tag."
        case .invalidPartOrder: return "The list of parts was not in ascending order. Parts must be ordered by part number."
        case .invalidRange: return "The requested range is not satisfiable"
        case .invalidRequest: return "Invalid Request"
        case .keyTooLongError: return "Your key is too long"
        case .malformedXML:
            return "The XML you provided was not well-formed or did not validate against our published schema"
        case .metadataTooLarge: return "Your metadata headers exceed the maximum allowed metadata size."
        case .methodNotAllowed: return "The specified method is not allowed against this resource."
        case .missingContentLength: return "You must provide the Content-Length HTTP header."
        case .missingSecurityHeader: return "Your request was missing a required header"
        case .noSuchBucket: return "The specified bucket does not exist"
        case .noSuchKey: return "The specified key does not exist."
        case .noSuchUpload:
            return "The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed."
        case .noSuchLifecycleConfiguration: return "The lifecycle configuration does not exist"
        case .notImplemented: return "A header you provided implies functionality that is not implemented"
        case .preconditionFailed: return "At least one of the pre-conditions you specified did not hold"
        case .requestTimeTooSkewed: return "The difference between the request time and the current time is too large."
        case .signatureDoesNotMatch:
            return "The request signature we calculated does not match the signature you provided. Check your key and signing method."
        case .xAmzContentSHA256Mismatch: return "The provided 'x-amz-content-sha256' header does not match what was computed."
        case .authorizationHeaderMalformed: return "The authorization header is malformed."
        case .authorizationQueryParametersError: return "Query-string authentication parameters are malformed."
        case .invalidObjectState: return "The operation is not valid for the object's storage class"
        case .notModified: return "Not Modified"
        case .requestTimeout:
            return "Your socket connection to the server was not read from or written to within the timeout period."
        case .invalidEncryptionAlgorithmError: return "The encryption request you specified is not valid."
        case .invalidStorageClass: return "The storage class you specified is not valid"
        case .invalidTag:
            return "Your request contains tag input that is not valid. For example, your request might contain duplicate keys, keys or values that are too long, or system tags."
        case .noSuchTagSet: return "There is no tag set associated with the bucket."
        case .noSuchVersion: return "The specified version does not exist."
        case .illegalLocationConstraint:
            return "The unspecified location constraint is incompatible for the region specific endpoint this request was sent to."
        case .invalidPartNumber: return "The requested partnumber is not satisfiable"
        case .kmsNotFound: return "Invalid keyId"
        case .serverSideEncryptionConfigurationNotFound: return "The server side encryption configuration was not found"
        case .malformedPolicy: return "Policies must be valid JSON and the first byte must be '{'"
        case .invalidBucketState: return "The request is not valid with the current state of the bucket."
        case .objectLockConfigurationNotFound: return "Object Lock configuration does not exist for this bucket"
        case .noSuchObjectLockConfiguration: return "The specified object does not have a ObjectLock configuration"
        case .noSuchBucketPolicy: return "The bucket policy does not exist"
        case .slowDown: return "Please reduce your request rate."
        case .serviceUnavailable: return "Service is unable to handle request."
        case .requestHeaderSectionTooLarge: return "Your request header section exceeds the maximum allowed size."
        case .malformedACLError: return "The XML you provided was not well-formed or did not validate against our published schema"
        case .accessControlListNotSupported: return "The bucket does not allow ACLs"
        case .invalidBucketAclWithObjectOwnership: return "Bucket cannot have ACLs set with ObjectOwnership's BucketOwnerEnforced setting"
        case .unresolvableGrantByEmailAddress: return "The e-mail address you provided does not match any account on record."
        case .ownershipControlsNotFound: return "The bucket ownership controls were not found"
        case .noSuchPublicAccessBlockConfiguration: return "The public access block configuration was not found"
        case .unexpectedContent: return "This request does not support content"
        case .quotaExceeded: return "Quota exceeded"
        case .accessForbidden: return "CORSResponse: This CORS request is not allowed. This is usually because the evalution of Origin, request method / Access-Control-Request-Method or Access-Control-Request-Headers are not whitelisted by the resource's CORS spec."
        case .noSuchCORSConfiguration: return "The CORS configuration does not exist"
        case .malformedPOSTRequest: return "The body of your POST request is not well-formed multipart/form-data."
        case .maxPostPreDataLengthExceeded: return "Your POST request fields preceding the upload file were too large."
        case .invalidPolicyDocument: return "The content of the form does not meet the conditions specified in the policy document."
        case .incorrectNumberOfFilesInPostRequest: return "POST requires exactly one file upload per request."
        }
    }
}

/// A typed S3 error: the code, the message sent, and the extra XML fields some codes carry
/// (ProposedSize, MinSizeAllowed, PartNumber, ETag, UploadId, BucketName, Key, ...).
public struct S3Error: Error, Sendable, CustomStringConvertible {
    public var code: S3ErrorCode
    public var message: String
    /// Extra `<Name>value</Name>` children of `<Error>`, in order.
    public var fields: [(String, String)]
    /// Extra response headers (e.g. `x-amz-request-charged`), rarely needed.
    public var headers: [(String, String)]

    public init(_ code: S3ErrorCode, _ message: String? = nil, fields: [(String, String)] = [],
                headers: [(String, String)] = []) {
        self.code = code
        self.message = message ?? code.defaultMessage
        self.fields = fields
        self.headers = headers
    }

    public var description: String { "\(code.rawValue): \(message)" }
}
