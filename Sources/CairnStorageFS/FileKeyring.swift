import CairnModel
import CairnStorage
import Crypto
import Foundation
import NIOConcurrencyHelpers
#if canImport(Glibc)
import Glibc
#endif

/// The server's keys in `DATA/keys/`: `master.key` (SSE-S3; or CAIRN_MASTER_KEY, base64 of 32 bytes)
/// and `kms/NAME.key` (SSE-KMS keys, made by `cairn kms create-key NAME`). Key files are created with
/// mode 0600 and hold base64 of 32 random bytes. Data keys are wrapped with AES-256-GCM, bound to
/// the key that wraps them.
public final class FileKeyring: KeyService {
    let dir: String
    let region: String
    let master: [UInt8]
    let cache = NIOLockedValueBox<[String: [UInt8]]>([:])
    /// The KMS key used by `aws:kms` requests that name none (AWS's `aws/s3`).
    public static let defaultKMSKeyName = "aws-s3"

    public init(dataFolder: String, region: String, masterKeyBase64: String? = nil) throws {
        self.dir = dataFolder + "/keys"
        self.region = region
        try FileManager.default.createDirectory(atPath: dir + "/kms", withIntermediateDirectories: true)
        chmod(dir, 0o700)
        if let env = masterKeyBase64 {
            guard let k = Data(base64Encoded: env), k.count == 32 else { throw KeyringError("CAIRN_MASTER_KEY must be base64 of 32 bytes") }
            master = Array(k)
        } else {
            master = try Self.loadOrCreate(dir + "/master.key")
        }
    }

    /// Creates a named KMS key; fails if it exists. Returns its ARN.
    @discardableResult
    public static func createKMSKey(dataFolder: String, name: String, region: String) throws -> String {
        guard Self.validName(name) else { throw KeyringError("a key name is 1-64 letters, digits, '-' or '_'") }
        let kms = dataFolder + "/keys/kms"
        try FileManager.default.createDirectory(atPath: kms, withIntermediateDirectories: true)
        let path = "\(kms)/\(name).key"
        guard !FileManager.default.fileExists(atPath: path) else { throw KeyringError("key \(name) already exists") }
        _ = try loadOrCreate(path)
        return arn(name, region: region)
    }

    static func arn(_ name: String, region: String) -> String { "arn:aws:kms:\(region):000000000000:key/\(name)" }

    static func validName(_ n: String) -> Bool {
        !n.isEmpty && n.count <= 64 && n.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }
    }

    /// The key in `path`, or nil when the file does not exist. Any other failure throws: a key file
    /// that cannot be read right now must never be taken for a missing one and replaced.
    static func load(_ path: String) throws -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            if errno == ENOENT { return nil }
            throw KeyringError("cannot read \(path): \(String(cString: strerror(errno)))")
        }
        let data = try FileHandle(fileDescriptor: fd, closeOnDealloc: true).readToEnd() ?? Data()
        guard let text = String(data: data, encoding: .utf8),
              let k = Data(base64Encoded: text.trimmingCharacters(in: .whitespacesAndNewlines)), k.count == 32 else {
            throw KeyringError("\(path) does not hold base64 of 32 bytes")
        }
        return Array(k)
    }

    /// Reads a key file, or creates it: written (0600) to a private temporary name, fsynced, then
    /// hard-linked into place, which fails if another request or server got there first; theirs
    /// is then the key. A crash leaves no half key, and no key is ever replaced.
    static func loadOrCreate(_ path: String) throws -> [UInt8] {
        if let key = try load(path) { return key }
        let key = SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) }
        let tmp = "\(path).\(UUID().uuidString).tmp"
        let fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw KeyringError("cannot create \(tmp)") }
        defer { unlink(tmp) }
        let text = Array((Data(key).base64EncodedString() + "\n").utf8)
        let written = text.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        let synced = fsync(fd) == 0
        close(fd)
        guard written == text.count, synced else { throw KeyringError("cannot write \(tmp)") }
        guard link(tmp, path) == 0 else {
            guard errno == EEXIST, let theirs = try load(path) else { throw KeyringError("cannot create \(path)") }
            return theirs
        }
        let dir = String(path[..<path.lastIndex(of: "/")!])
        let dfd = open(dir, O_RDONLY | O_DIRECTORY)
        if dfd >= 0 { fsync(dfd); close(dfd) }
        return key
    }

    /// `NAME`, `alias/NAME`, or an ARN ending in `:key/NAME` or `:alias/NAME` (AWS takes a key id,
    /// key ARN, alias name or alias ARN; here a key and its alias share the name).
    func name(of id: String) -> String {
        if id.hasPrefix("arn:"), let resource = id.split(separator: ":", maxSplits: 5).last {
            for prefix in ["key/", "alias/"] where resource.hasPrefix(prefix) { return String(resource.dropFirst(prefix.count)) }
        }
        if id.hasPrefix("alias/") { return String(id.dropFirst(6)) }
        return id
    }

    /// A KMS key by name, nil if there is none; the default key is created on first use. Loading
    /// happens under the cache's lock, so concurrent first uses agree on one key.
    func kmsKey(_ name: String) throws -> [UInt8]? {
        guard Self.validName(name) else { return nil }
        let path = "\(dir)/kms/\(name).key"
        return try cache.withLockedValue { cache in
            if let k = cache[name] { return k }
            guard let k = name == Self.defaultKMSKeyName ? try Self.loadOrCreate(path) : try Self.load(path) else { return nil }
            cache[name] = k
            return k
        }
    }

    public func kmsKeyARN(_ id: String?) async throws -> String? {
        let n = name(of: id ?? Self.defaultKMSKeyName)
        return try kmsKey(n) == nil ? nil : Self.arn(n, region: region)
    }

    func wrappingKey(_ arn: String?) throws -> (SymmetricKey, [UInt8]) {
        guard let arn else { return (SymmetricKey(data: master), Array("cairn:sse-s3".utf8)) }
        guard let k = try kmsKey(name(of: arn)) else { throw S3Error(.kmsNotFound, "Key '\(arn)' does not exist") }
        return (SymmetricKey(data: k), Array("cairn:sse-kms:\(arn)".utf8))
    }

    public func wrap(_ dataKey: [UInt8], kmsKeyARN: String?) async throws -> String {
        let (key, aad) = try wrappingKey(kmsKeyARN)
        return try AES.GCM.seal(dataKey, using: key, authenticating: aad).combined!.base64EncodedString()
    }

    public func unwrap(_ wrapped: String, kmsKeyARN: String?) async throws -> [UInt8] {
        let (key, aad) = try wrappingKey(kmsKeyARN)
        guard let data = Data(base64Encoded: wrapped) else { throw EncryptedBlobError.corrupt }
        return Array(try AES.GCM.open(AES.GCM.SealedBox(combined: data), using: key, authenticating: aad))
    }
}

public struct KeyringError: Error, CustomStringConvertible {
    public var description: String
    init(_ d: String) { description = d }
}
