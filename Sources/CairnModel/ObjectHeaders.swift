/// The HTTP representation headers S3 stores with an object and returns on GET/HEAD.
public struct ObjectHeaders: Sendable, Codable, Equatable {
    public var contentType: String?
    public var contentEncoding: String?
    public var contentDisposition: String?
    public var contentLanguage: String?
    public var cacheControl: String?
    public var expires: String?
    public var websiteRedirectLocation: String?
    /// `x-amz-meta-*` pairs; names lowercased without the prefix, in the order received.
    public var userMetadata: [String: String]
    public var storageClass: StorageClass?

    public init(contentType: String? = nil, contentEncoding: String? = nil, contentDisposition: String? = nil,
                contentLanguage: String? = nil, cacheControl: String? = nil, expires: String? = nil,
                websiteRedirectLocation: String? = nil, userMetadata: [String: String] = [:], storageClass: StorageClass? = nil) {
        self.contentType = contentType
        self.contentEncoding = contentEncoding
        self.contentDisposition = contentDisposition
        self.contentLanguage = contentLanguage
        self.cacheControl = cacheControl
        self.expires = expires
        self.websiteRedirectLocation = websiteRedirectLocation
        self.userMetadata = userMetadata
        self.storageClass = storageClass
    }
}
