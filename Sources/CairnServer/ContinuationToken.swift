import CairnModel
import Foundation

/// The opaque `continuation-token` of ListObjectsV2 and ListBuckets: base64 of the last name of
/// the page, so a token keeps any key byte for byte (a key may hold anything a query may not).
enum ContinuationToken {
    static func encode(_ lastName: String) -> String {
        Data(lastName.utf8).base64EncodedString()
    }

    /// The name a token stands for; a token this server did not make is InvalidArgument, as S3 says.
    static func decode(_ token: String) throws(S3Error) -> String {
        guard let d = Data(base64Encoded: token), let s = String(data: d, encoding: .utf8) else {
            throw S3Error(.invalidArgument, "The continuation token provided is incorrect",
                          fields: [("ArgumentName", "continuation-token")])
        }
        return s
    }
}
