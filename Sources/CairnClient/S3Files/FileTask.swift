/// One operation of an `aws s3` command on one file.
public struct FileTask: Sendable {
    public enum Kind: String, Sendable {
        case upload, download, copy, delete
    }
    public var kind: Kind
    /// `mv`: the source is deleted once the transfer has succeeded (printed as `move`).
    public var isMove = false
    /// For `delete`, the file or object deleted (its `source`).
    public var entry: FileEntry

    public init(kind: Kind, isMove: Bool = false, entry: FileEntry) {
        self.kind = kind
        self.isMove = isMove
        self.entry = entry
    }

    /// The kind of transfer between two sides (awscli's `cmd_translation`).
    public static func kind(sourceIsS3: Bool, destinationIsS3: Bool) -> Kind {
        switch (sourceIsS3, destinationIsS3) {
        case (false, true): return .upload
        case (true, false): return .download
        case (true, true): return .copy
        case (false, false): return .delete  // not reachable: a command needs one S3 side
        }
    }

    /// `upload: ./a to s3://b/a`, `delete: s3://b/a` (without the `(dryrun) ` or failure parts).
    public var label: String { isMove ? "move" : kind.rawValue }

    public var location: String {
        let src = ResultPrinter.display(entry.source, isS3: entry.sourceIsS3)
        if kind == .delete { return src }
        return src + " to " + ResultPrinter.display(entry.destination, isS3: entry.destinationIsS3)
    }
}
