import Foundation

/// One side of an `aws s3` command: a local path or `s3://bucket/key`, formatted as awscli's
/// `FileFormat` does, so that destination paths, compare keys and filter roots come out the same.
/// S3 paths are kept as `bucket/key` (no scheme); local paths are absolute.
public struct FileSide: Sendable {
    public enum Kind: Sendable { case local, s3 }
    public var kind: Kind
    /// `bucket/key` or an absolute local path; a side that names a folder ends with `/`.
    public var path: String
    /// Whether a file moved here takes its name from the source (the path names a folder).
    public var useSourceName: Bool

    public var isS3: Bool { kind == .s3 }
}

/// The source and destination of a command, formatted (awscli `FileFormat.format`).
public struct FilePair: Sendable {
    public var source: FileSide
    public var destination: FileSide
    /// `--recursive`, and always for sync: the source is a folder or a prefix.
    public var directory: Bool

    /// Formats `source` and `destination` as typed on the command line. An `s3://bucket` without a
    /// key has already been given its trailing slash (`S3URI.normalise`).
    public init(source: String, destination: String, directory: Bool) {
        self.directory = directory
        self.source = Self.side(source, directory: directory)
        self.destination = Self.side(destination, directory: directory)
    }

    static func side(_ raw: String, directory: Bool) -> FileSide {
        if raw.hasPrefix("s3://") {
            var p = String(raw.dropFirst(5))
            if directory {
                if !p.hasSuffix("/") { p += "/" }
                return FileSide(kind: .s3, path: p, useSourceName: true)
            }
            return FileSide(kind: .s3, path: p, useSourceName: p.hasSuffix("/"))
        }
        var full = LocalPath.absolute(raw)
        var isDir: ObjCBool = false
        if directory || (FileManager.default.fileExists(atPath: full, isDirectory: &isDir) && isDir.boolValue) || raw.hasSuffix("/") {
            if !full.hasSuffix("/") { full += "/" }
            return FileSide(kind: .local, path: full, useSourceName: true)
        }
        return FileSide(kind: .local, path: full, useSourceName: false)
    }

    /// The destination path and compare key of one source path (awscli `find_dest_path_comp_key`):
    /// under a folder operation, the part of the source path below the source root; otherwise the
    /// source's last path component.
    public func destination(for sourcePath: String) -> (path: String, compareKey: String) {
        let rel: String
        if directory {
            rel = String(decoding: sourcePath.utf8.dropFirst(source.path.utf8.count), as: UTF8.self)
        } else {
            rel = String(sourcePath.split(separator: "/", omittingEmptySubsequences: false).last ?? "")
        }
        return (destination.useSourceName ? destination.path + rel : destination.path, rel)
    }

    /// The same pair seen from the destination (sync lists both sides; awscli's `rev_files`).
    public var reversed: FilePair {
        var r = self
        r.source = destination
        r.destination = source
        return r
    }
}
