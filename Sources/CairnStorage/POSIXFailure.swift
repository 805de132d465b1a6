import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A failed system call as an error: `StorageFull` when the disk or the quota is full (so the
/// request gets its own S3 answer), else a `POSIXFailure`.
public func posixFailure(_ what: String, _ code: Int32) -> any Error {
    if code == ENOSPC || code == EDQUOT { return StorageFull("\(what): \(String(cString: strerror(code)))") }
    return POSIXFailure(what, code)
}

public struct POSIXFailure: Error, CustomStringConvertible {
    public var what: String
    public var code: Int32
    public init(_ what: String, _ code: Int32) {
        self.what = what
        self.code = code
    }
    public var description: String { "\(what): \(String(cString: strerror(code)))" }
}
