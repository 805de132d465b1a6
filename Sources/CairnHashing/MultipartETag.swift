import CairnModel
import Crypto

extension ETag {
    /// A multipart object's ETag: hex(MD5(binary MD5 of part 1 ‖ ... ‖ part N)) + "-N". Shared by
    /// the server (CompleteMultipartUpload) and the client (checking what `cairn cp` sent or got).
    public static func multipart(partMD5s parts: [[UInt8]]) -> ETag {
        var md5 = Insecure.MD5()
        for p in parts { md5.update(data: p) }
        return ETag("\(Hex.encode(md5.finalize()))-\(parts.count)")
    }
}
