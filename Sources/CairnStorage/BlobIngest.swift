import CairnHashing
import CairnModel
import NIOCore

/// Streams a body into a new blob while hashing it in the same pass, then verifies and commits.
/// On any failure (client gone, digest mismatch, too large) the temporary blob is removed.
/// Bodies up to `inlineLimit` bytes (0: none) become inline blobs (`InliningBlobWriter`).
public struct BlobIngest: Sendable {
    public let blobs: any BlobStore
    public let inlineLimit: Int

    public init(blobs: any BlobStore, inlineLimit: Int = 0) {
        self.blobs = blobs
        self.inlineLimit = inlineLimit
    }

    public func ingest(_ body: some AsyncSequence<ByteBuffer, any Error>, check: any PayloadCheck,
                       maxSize: Int64, tooLarge: @Sendable (Int64) -> S3Error) async throws -> (NewBlob, BodyDigests) {
        let (blob, digests, _) = try await ingest(body, check: check, maxSize: maxSize, keying: nil, tooLarge: tooLarge)
        return (blob, digests)
    }

    /// The same, encrypting the blob when `keying` is given (hashes are of the plaintext).
    public func ingest(_ body: some AsyncSequence<ByteBuffer, any Error>, check: any PayloadCheck, maxSize: Int64,
                       keying: BlobKeying?, tooLarge: @Sendable (Int64) -> S3Error) async throws -> (NewBlob, BodyDigests, BlobEncryption?) {
        let inlining = inlineLimit > 0 ? InliningBlobWriter(files: blobs, limit: inlineLimit) : nil
        let plainWriter: any BlobWriter = if let inlining { inlining } else { try await blobs.makeWriter() }
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
            return (NewBlob(id: id, inlineBytes: inlining?.inlineBytes), digests, info)
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

/// A blob an ingest wrote: a file already committed, or an inline blob whose bytes the metadata
/// transaction that references it stores (`Storage.changing`).
public struct NewBlob: Sendable {
    public var id: BlobID
    public var inlineBytes: ByteBuffer?
}
