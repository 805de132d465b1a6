import CairnHashing
import CairnModel
import NIOCore

/// Streams a body into a new blob while hashing it in the same pass, then verifies and commits.
/// On any failure (client gone, digest mismatch, too large) the temporary blob is removed.
public struct BlobIngest: Sendable {
    public let blobs: any BlobStore

    public init(blobs: any BlobStore) { self.blobs = blobs }

    public func ingest(_ body: some AsyncSequence<ByteBuffer, any Error>, check: any PayloadCheck,
                       maxSize: Int64, tooLarge: @Sendable (Int64) -> S3Error) async throws -> (BlobID, BodyDigests) {
        let (id, digests, _) = try await ingest(body, check: check, maxSize: maxSize, keying: nil, tooLarge: tooLarge)
        return (id, digests)
    }

    /// The same, encrypting the blob when `keying` is given (hashes are of the plaintext).
    public func ingest(_ body: some AsyncSequence<ByteBuffer, any Error>, check: any PayloadCheck, maxSize: Int64,
                       keying: BlobKeying?, tooLarge: @Sendable (Int64) -> S3Error) async throws -> (BlobID, BodyDigests, BlobEncryption?) {
        let plainWriter = try await blobs.makeWriter()
        let writer: any BlobWriter = keying.map { EncryptingBlobWriter(base: plainWriter, cipher: $0.cipher) } ?? plainWriter
        do {
            var hasher = BodyHasher(sha256: check.needsSHA256, checksums: [check.checksumAlgorithm, check.storedAlgorithm].compactMap { $0 })
            for try await buffer in body {
                buffer.withUnsafeReadableBytes { hasher.update($0) }
                if hasher.byteCount > maxSize { throw tooLarge(hasher.byteCount) }
                try await writer.write(buffer)
            }
            let digests = hasher.finalize()
            try check.verify(digests)
            let id = try await writer.commit()
            var info = keying?.encryption
            info?.plainSize = digests.size
            return (id, digests, info)
        } catch {
            await writer.abort()
            throw error
        }
    }
}

/// The key and the metadata template of one blob about to be encrypted.
public struct BlobKeying: Sendable {
    public var cipher: BlobCipher
    public var encryption: BlobEncryption
}
