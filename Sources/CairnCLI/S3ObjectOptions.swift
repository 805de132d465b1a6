import ArgumentParser
import CairnClient
import CairnModel
import Foundation

/// The options of `aws s3 cp | mv | sync` that `rm` has not: local files, progress, and the
/// properties and encryption of the objects written.
struct S3ObjectOptions: ParsableArguments {
    @Flag(name: .customLong("no-progress"), help: "No progress line (there is one only on a terminal).") var noProgress = false
    @Flag(name: .customLong("follow-symlinks"), inversion: .prefixedNo, help: "Follow symbolic links when walking local folders.") var followSymlinks = true
    @Flag(name: .customLong("no-guess-mime-type"), help: "Do not guess an upload's Content-Type from its file name.") var noGuessMimeType = false
    @Option(name: .customLong("content-type"), help: "Content-Type of every uploaded or copied object (default: guessed from the file name).") var contentType: String?
    @Option(name: .customLong("cache-control"), help: "Cache-Control of the new objects.") var cacheControl: String?
    @Option(name: .customLong("content-disposition"), help: "Content-Disposition of the new objects.") var contentDisposition: String?
    @Option(name: .customLong("content-encoding"), help: "Content-Encoding of the new objects.") var contentEncoding: String?
    @Option(name: .customLong("content-language"), help: "Content-Language of the new objects.") var contentLanguage: String?
    @Option(help: "Expires of the new objects (a timestamp, sent as an HTTP date).") var expires: String?
    @Option(name: .customLong("website-redirect"), help: "x-amz-website-redirect-location of the new objects.") var websiteRedirect: String?
    @Option(name: .customLong("storage-class"), help: "Storage class of the new objects (STANDARD, ...).") var storageClass: String?
    @Option(help: "Server-side encryption of the new objects: AES256 or aws:kms.") var sse: String?
    @Option(name: .customLong("sse-kms-key-id"), help: "The KMS key for --sse aws:kms.") var sseKMSKeyID: String?
    @Option(name: .customLong("sse-c"), help: "SSE-C: the algorithm (AES256) of --sse-c-key, for the objects written or read.") var sseC: String?
    @Option(name: .customLong("sse-c-key"), help: "SSE-C: the customer key (raw, or fileb://path).") var sseCKey: String?
    @Option(name: .customLong("sse-c-copy-source"), help: "SSE-C: the algorithm (AES256) of a copy source's key.") var sseCCopySource: String?
    @Option(name: .customLong("sse-c-copy-source-key"), help: "SSE-C: the copy source's key (raw, or fileb://path).") var sseCCopySourceKey: String?
    @Option(help: "User metadata of the new objects: k1=v1,k2=v2 or a JSON object.") var metadata: String?
    @Option(name: .customLong("checksum-algorithm"), help: "Checksum the objects carry: CRC32, CRC32C, CRC64NVME, SHA1 or SHA256.") var checksumAlgorithm: String?
    @Option(name: .customLong("expected-size"), help: "The size in bytes of a stream from stdin, so that a very large one gets larger parts.") var expectedSize: Int64?
    @Option(name: .customLong("metadata-directive"), help: "Copies: COPY the source's metadata or REPLACE it (REPLACE when --metadata is given).") var metadataDirective: String?
    @Option(help: "Canned ACL of the new objects (x-amz-acl): private, public-read, public-read-write, authenticated-read, aws-exec-read, bucket-owner-read, bucket-owner-full-control, log-delivery-write.") var acl: String?
    @Option(parsing: .upToNextOption, help: "Grants of the new objects: Permission=Grantee_Type=Grantee_ID (read, readacl, writeacl or full; uri, emailaddress or id).") var grants: [String] = []
    @Option(name: .customLong("checksum-mode"), help: "ENABLED: downloads ask for the object's checksum and check the bytes against it.") var checksumMode: String?
    @Option(name: .customLong("copy-props"), help: "S3 -> S3: none, metadata-directive (content headers and metadata) or default (those and the tags).") var copyProps: String?
    @Flag(name: .customLong("ignore-glacier-warnings"), help: "Skip GLACIER and DEEP_ARCHIVE objects without a warning (and without exit code 2).") var ignoreGlacierWarnings = false
    @Flag(name: .customLong("force-glacier-transfer"), help: "Download or copy GLACIER and DEEP_ARCHIVE objects anyway.") var forceGlacierTransfer = false
    @Option(name: .customLong("case-conflict"), help: "Recursive downloads of keys that differ only by case: ignore (default), skip, warn or error.") var caseConflict: String?
    @Option(name: .customLong("source-region"), help: "The region of the source bucket (S3 -> S3): its listing and reads are signed for it; --region is the destination's.") var sourceRegion: String?
    @Flag(help: "Continue interrupted multipart uploads and ranged downloads (state files in ~/.cache/cairn), keeping the parts and ranges that match.") var resume = false

    static let acls = ["private", "public-read", "public-read-write", "authenticated-read", "aws-exec-read", "bucket-owner-read",
                       "bucket-owner-full-control", "log-delivery-write"]
    static let checksumAlgorithms = ["CRC64NVME", "CRC32", "SHA256", "SHA1", "CRC32C", "SHA512", "XXHASH64", "XXHASH3", "XXHASH128"]

    func validate() throws {
        // awscli's argparse choices.
        let choices: [(String?, String, [String])] = [
            (checksumAlgorithm, "--checksum-algorithm", Self.checksumAlgorithms), (acl, "--acl", Self.acls),
            (checksumMode, "--checksum-mode", ["ENABLED"]), (copyProps, "--copy-props", CopyProps.allCases.map(\.rawValue)),
            (caseConflict, "--case-conflict", CaseConflict.allCases.map(\.rawValue)),
        ]
        for case let (value?, name, allowed) in choices where !allowed.contains(value) {
            throw ValidationError("argument \(name): Invalid choice, valid choices are:\n\n" + allowed.joined(separator: " | "))
        }
        do { _ = try ObjectHeaders.parseGrants(grants) } catch { throw ValidationError("\(error)") }
        if let sse, !["AES256", "aws:kms"].contains(sse) { throw ValidationError("--sse must be AES256 or aws:kms") }
        if let d = metadataDirective, !["COPY", "REPLACE"].contains(d) { throw ValidationError("--metadata-directive must be COPY or REPLACE") }
        // awscli's pairing rules for the SSE-C options.
        for (alg, key, name) in [(sseC, sseCKey, "--sse-c"), (sseCCopySource, sseCCopySourceKey, "--sse-c-copy-source")] {
            if alg != nil && key == nil { throw ValidationError("It is required that if you specify \(name) you must also specify \(name)-key") }
            if alg == nil && key != nil { throw ValidationError("It is required that if you specify \(name)-key you must also specify \(name)") }
            if let alg, alg != "AES256" { throw ValidationError("\(name) must be AES256") }
        }
    }

    /// Sets the object options on `o`.
    func apply(to o: inout FileCommand.Options) throws {
        o.followSymlinks = followSymlinks
        o.progress = !noProgress && isatty(STDOUT_FILENO) != 0
        o.guessMimeType = !noGuessMimeType
        var h = ObjectHeaders()
        h.contentType = contentType
        h.cacheControl = cacheControl
        h.contentDisposition = contentDisposition
        h.contentEncoding = contentEncoding
        h.contentLanguage = contentLanguage
        h.expires = expires
        h.websiteRedirect = websiteRedirect
        h.storageClass = storageClass
        h.sse = sse
        h.sseKMSKeyID = sseKMSKeyID
        h.metadataDirective = metadataDirective
        h.checksumAlgorithm = checksumAlgorithm.flatMap { ChecksumAlgorithm(caseInsensitive: $0) }
        h.sseC = sseC
        h.sseCKey = sseCKey
        h.sseCCopySource = sseCCopySource
        h.sseCCopySourceKey = sseCCopySourceKey
        h.acl = acl
        h.grants = try ObjectHeaders.parseGrants(grants)
        do { _ = try (h.customerKeyHeaders(), h.copySourceKeyHeaders()) } catch { throw ValidationError("\(error)") }
        do { h.metadata = try metadata.map(ObjectHeaders.parseMetadata) ?? [] } catch { throw ValidationError("\(error)") }
        if let e = expires, (try? h.headers(forCopy: false)) == nil { throw ValidationError("--expires: not a timestamp: \(e)") }
        o.objectHeaders = h
        o.expectedSize = expectedSize
        o.resume = resume
        o.checksumMode = checksumMode != nil
        o.copyProps = copyProps.flatMap(CopyProps.init(rawValue:)) ?? .default
        o.glacier = forceGlacierTransfer ? .force : ignoreGlacierWarnings ? .ignore : .warn
        o.caseConflict = caseConflict.flatMap(CaseConflict.init(rawValue:)) ?? .ignore
    }
}
