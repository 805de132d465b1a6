/// A validated tag set: what S3 accepts on an object (at most 10 tags) or a bucket (at most 50).
/// The tags keep the order they were sent in.
/// https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-tagging.html
public struct TagSet: Sendable, Equatable {
    /// One tag of an object or a bucket: a key and a value, kept exactly as sent.
    public struct Tag: Sendable, Codable, Equatable {
        public var key: String
        public var value: String
        public init(key: String, value: String) {
            self.key = key
            self.value = value
        }
    }

    public private(set) var tags: [Tag]

    /// No tags (an untagged object).
    public init() { tags = [] }

    /// A set already validated (read back from storage).
    public init(stored tags: [Tag]) { self.tags = tags }

    /// Checks S3's rules, in this order: the number of tags, then each tag's key and value, then
    /// duplicate keys.
    public init(validating tags: [Tag], for scope: TagScope) throws(S3Error) {
        if tags.count > scope.maxTags { throw scope.tooManyTags }
        var seen = Set<String>()
        for tag in tags {
            try Self.check(tag)
            guard seen.insert(tag.key).inserted else { throw S3Error(.invalidTag, "Cannot provide multiple Tags with the same key") }
        }
        self.tags = tags
    }

    public var isEmpty: Bool { tags.isEmpty }
    public var count: Int { tags.count }

    /// Keys 1 to 128 and values 0 to 256 characters, counted in UTF-16 code units as S3 does ("Amazon
    /// S3 object tags are internally represented in UTF-16"); letters, digits, white space and
    /// `_ . : / = + - @` only; no key in the reserved `aws:` prefix.
    static func check(_ tag: Tag) throws(S3Error) {
        guard (1...128).contains(tag.key.utf16.count), tag.key.unicodeScalars.allSatisfy(isAllowed) else {
            throw S3Error(.invalidTag, "The TagKey you have provided is invalid")
        }
        guard tag.value.utf16.count <= 256, tag.value.unicodeScalars.allSatisfy(isAllowed) else {
            throw S3Error(.invalidTag, "The TagValue you have provided is invalid")
        }
        if tag.key.lowercased().hasPrefix("aws:") {
            throw S3Error(.invalidTag, "Your TagKey cannot be prefixed with aws:")
        }
    }

    /// AWS's tag pattern `[\p{L}\p{Z}\p{N}_.:/=+\-@]`.
    static func isAllowed(_ s: Unicode.Scalar) -> Bool {
        switch s.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
             .spaceSeparator, .lineSeparator, .paragraphSeparator,
             .decimalNumber, .letterNumber, .otherNumber:
            return true
        default:
            return "_.:/=+-@".unicodeScalars.contains(s)
        }
    }
}

/// What a tag set belongs to, and so how many tags it may hold.
public enum TagScope: Sendable {
    case object
    case bucket

    var maxTags: Int { self == .object ? 10 : 50 }

    /// S3 answers too many object tags with `BadRequest`, not `InvalidTag` (observed on PutObject's
    /// header and on PutObjectTagging, e.g. hashicorp/terraform-provider-aws#19895).
    var tooManyTags: S3Error {
        switch self {
        case .object: return S3Error(.badRequest, "Object tags cannot be greater than 10")
        case .bucket: return S3Error(.invalidTag, "Bucket tag count cannot be greater than 50")
        }
    }
}
