/// A bucket default's or a request's server-side encryption algorithm (`x-amz-server-side-encryption`,
/// `SSEAlgorithm`).
public enum SSEAlgorithm: String, Sendable, Codable {
    case aes256 = "AES256"
    case kms = "aws:kms"
}
