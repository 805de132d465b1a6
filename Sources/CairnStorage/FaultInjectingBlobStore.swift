import CairnModel
import Foundation
import NIOCore
import Synchronization

/// A blob store that fails on purpose, for the fault tests (issue 17): every `commitEvery`-th
/// commit fails as an fsync would (the blob is discarded, nothing renamed) and every
/// `writeEvery`-th write fails as a write(2) with EIO would. The request must then never be
/// acknowledged and nothing may become visible. Enabled only by `cairn server --inject-faults`
/// (hidden), never by default.
public final class FaultInjectingBlobStore: BlobStore {
    public struct InjectedFault: Error, CustomStringConvertible {
        public var description: String
    }

    private let inner: any BlobStore
    private let commitEvery: Int
    private let writeEvery: Int
    private let commits = Atomic<Int>(0)
    private let writes = Atomic<Int>(0)

    /// `spec`: comma-separated `commit:N` and `write:N` (0 or absent: never).
    public init(wrapping inner: any BlobStore, spec: String) throws {
        var commit = 0, write = 0
        for part in spec.split(separator: ",") {
            let kv = part.split(separator: ":")
            guard kv.count == 2, let n = Int(kv[1]), n >= 0 else { throw InjectedFault(description: "bad --inject-faults: \(part)") }
            switch kv[0] {
            case "commit": commit = n
            case "write": write = n
            default: throw InjectedFault(description: "bad --inject-faults: \(part)")
            }
        }
        self.inner = inner
        commitEvery = commit
        writeEvery = write
    }

    func failCommit() -> Bool { commitEvery > 0 && commits.wrappingAdd(1, ordering: .relaxed).newValue % commitEvery == 0 }
    func failWrite() -> Bool { writeEvery > 0 && writes.wrappingAdd(1, ordering: .relaxed).newValue % writeEvery == 0 }

    public func makeWriter() async throws -> any BlobWriter { Writer(inner: try await inner.makeWriter(), store: self) }
    public func read(_ segment: BlobSegment) -> any AsyncSequence<ByteBuffer, any Error> { inner.read(segment) }
    public func delete(_ blobs: [BlobID]) async { await inner.delete(blobs) }
    public func allBlobs() async throws -> [BlobID] { try await inner.allBlobs() }
    public func blobs(modifiedBefore date: Date) async throws -> [BlobID] { try await inner.blobs(modifiedBefore: date) }
    public func temporaryFolders() async throws -> [TemporaryFolder] { try await inner.temporaryFolders() }
    public func removeTemporaryFiles(of node: NodeID) async { await inner.removeTemporaryFiles(of: node) }
    public func removeLooseTemporaryFiles(modifiedBefore date: Date) async { await inner.removeLooseTemporaryFiles(modifiedBefore: date) }

    struct Writer: BlobWriter {
        let inner: any BlobWriter
        let store: FaultInjectingBlobStore

        func write(_ buffer: ByteBuffer) async throws {
            if store.failWrite() { throw InjectedFault(description: "injected write failure (EIO)") }
            try await inner.write(buffer)
        }

        func commit() async throws -> BlobID {
            if store.failCommit() {
                await inner.abort()
                throw InjectedFault(description: "injected fsync failure (EIO)")
            }
            return try await inner.commit()
        }

        func abort() async { await inner.abort() }
    }
}
