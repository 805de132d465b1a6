import CairnStorageFS
import Foundation
import Testing

/// Keys are never replaced: a key file that cannot be read fails the keyring instead of being
/// taken for a missing one, and concurrent first uses of the default KMS key agree on one key.
@Suite("File keyring")
struct FileKeyringTests {
    func folder() throws -> String {
        let dir = "\(NSTemporaryDirectory())/cairn-keyring-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    @Test("An unreadable master key fails the keyring and is left in place")
    func unreadableKeyIsNotReplaced() throws {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.createDirectory(atPath: "\(dir)/keys/master.key", withIntermediateDirectories: true)
        #expect(throws: (any Error).self) { _ = try FileKeyring(dataFolder: dir, region: "us-east-1") }
        var isDir: ObjCBool = false
        #expect(FileManager.default.fileExists(atPath: "\(dir)/keys/master.key", isDirectory: &isDir) && isDir.boolValue)
    }

    @Test("Concurrent first uses of the default KMS key wrap with one key that survives a restart")
    func concurrentDefaultKey() async throws {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let keyring = try FileKeyring(dataFolder: dir, region: "us-east-1")
        let dataKey = [UInt8](repeating: 7, count: 32)
        let wrapped = try await withThrowingTaskGroup(of: (String, String).self) { group in
            for _ in 0..<16 {
                group.addTask {
                    let arn = try await keyring.kmsKeyARN(nil)!
                    return (arn, try await keyring.wrap(dataKey, kmsKeyARN: arn))
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        let reopened = try FileKeyring(dataFolder: dir, region: "us-east-1")
        for (arn, w) in wrapped { #expect(try await reopened.unwrap(w, kmsKeyARN: arn) == dataKey) }
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: "\(dir)/keys/kms").filter { $0.hasSuffix(".tmp") }
        #expect(leftovers.isEmpty)
    }
}
