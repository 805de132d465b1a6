/// `x-amz-storage-class` values S3 accepts; anything else is InvalidStorageClass. Cairn keeps every
/// object on the same disk and reports the class it was given.
public enum StorageClass: String, Sendable, Codable, CaseIterable {
    case standard = "STANDARD"
    case reducedRedundancy = "REDUCED_REDUNDANCY"
    case standardIA = "STANDARD_IA"
    case onezoneIA = "ONEZONE_IA"
    case intelligentTiering = "INTELLIGENT_TIERING"
    case glacier = "GLACIER"
    case deepArchive = "DEEP_ARCHIVE"
    case outposts = "OUTPOSTS"
    case glacierIR = "GLACIER_IR"
    case snow = "SNOW"
    case expressOnezone = "EXPRESS_ONEZONE"
}
