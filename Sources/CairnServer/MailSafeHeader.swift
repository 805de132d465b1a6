import Foundation

/// User metadata values on the way out, as S3 sends them: a value of US-ASCII only is sent as it
/// is; a value with any other character is sent as one RFC 2047 encoded word
/// (`=?UTF-8?B?<base64 of its UTF-8>?=`), "mail-safe", never as raw UTF-8 bytes that clients
/// would read as Latin-1. The stored value is the one sent, so CopyObject keeps it exactly.
/// https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingMetadata.html#UserMetadata
enum MailSafeHeader {
    static func encode(_ value: String) -> String {
        if value.utf8.allSatisfy({ $0 < 0x80 }) { return value }
        return "=?UTF-8?B?" + Data(value.utf8).base64EncodedString() + "?="
    }
}
