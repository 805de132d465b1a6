import Foundation

/// `--copy-props` (aws CLI v2): what an S3 -> S3 copy takes from its source object.
public enum CopyProps: String, Sendable, CaseIterable {
    /// Nothing: CopyObject with `REPLACE` directives for metadata and tags.
    case none
    /// Content headers and metadata, not tags (`x-amz-tagging-directive: REPLACE`).
    case metadataDirective = "metadata-directive"
    /// Content headers, metadata and tags (a multipart copy reads and sets them itself).
    case `default`
}

/// What a download or copy does with an archived (GLACIER, DEEP_ARCHIVE) object: skip it with a
/// warning (exit code 2), skip it silently (`--ignore-glacier-warnings`), or try anyway
/// (`--force-glacier-transfer`).
public enum GlacierRule: Sendable { case warn, ignore, force }

/// `--case-conflict`: recursive downloads of keys that differ only by case (which would land on
/// one file on a case-insensitive file system).
public enum CaseConflict: String, Sendable, CaseIterable { case ignore, skip, warn, error }

/// awscli's checks of the planned operations before any runs: archived objects
/// (`_warn_glacier`) and keys that differ only by case (`CaseConflictSync`).
struct TransferRules {
    let glacier: GlacierRule
    let caseConflict: CaseConflict
    /// `download` or `copy` (mv too): the word awscli's glacier warning uses.
    let operation: String

    static let archiveClasses: Set<String> = ["GLACIER", "DEEP_ARCHIVE"]
    static let caseDocURI = "https://docs.aws.amazon.com/cli/v1/topic/s3-case-insensitivity.html"

    /// The tasks that may run; `warn` is told each warning (which makes the exit code 2).
    /// Throws (awscli: `CaseConflictException`) under `--case-conflict error`.
    func apply(_ tasks: [FileTask], caseChecked: Bool, warn: (String) -> Void, note: (String) -> Void) throws -> [FileTask] {
        var submitted = Set<String>()
        return try tasks.filter { t in
            if t.kind == .download || t.kind == .copy, glacier != .force, let c = t.entry.storageClass, Self.archiveClasses.contains(c) {
                if glacier == .warn {
                    warn("warning: Skipping file s3://\(t.entry.source). Object is of storage class GLACIER. Unable to perform \(operation) operations "
                         + "on GLACIER objects. You must restore the object to be able to perform the operation. See aws s3 \(operation) help "
                         + "for additional parameter options to ignore or force these transfers.")
                }
                return false
            }
            guard caseChecked, caseConflict != .ignore, t.kind == .download, !FileManager.default.fileExists(atPath: t.entry.destination) else {
                return true
            }
            let lower = t.entry.compareKey.lowercased()
            guard submitted.contains(lower) else {
                submitted.insert(lower)
                return true
            }
            let src = "s3://" + t.entry.source, dest = t.entry.destination
            switch caseConflict {
            case .ignore: return true
            case .skip:
                note("warning: Skipping \(src) -> \(dest) because a file whose name differs only by case either exists or is being downloaded.")
                return false
            case .warn:
                note("warning: Downloading \(src) -> \(dest) despite a file whose name differs only by case either existing or being downloaded. "
                     + "This behavior is not defined on case-insensitive filesystems and may result in overwriting existing files or race "
                     + "conditions between concurrent downloads. For more information, see \(Self.caseDocURI).")
                return true
            case .error:
                throw ClientFailure("Failed to download \(src) -> \(dest) because a file whose name differs only by case either exists or is being downloaded.")
            }
        }
    }
}
