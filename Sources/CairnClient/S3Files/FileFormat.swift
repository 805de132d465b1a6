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

/// `s3://` URIs as the aws CLI reads them.
public enum S3URI {
    /// `bucket/key` split at the first slash.
    public static func split(_ bucketAndKey: String) -> (bucket: String, key: String) {
        guard let slash = bucketAndKey.firstIndex(of: "/") else { return (bucketAndKey, "") }
        return (String(bucketAndKey[..<slash]), String(bucketAndKey[bucketAndKey.index(after: slash)...]))
    }

    /// `s3://bucket` becomes `s3://bucket/` (awscli `_normalize_s3_trailing_slash`): a bucket alone
    /// names its whole contents.
    public static func normalise(_ arg: String) -> String {
        guard arg.hasPrefix("s3://") else { return arg }
        let (_, key) = split(String(arg.dropFirst(5)))
        return key.isEmpty && !arg.hasSuffix("/") ? arg + "/" : arg
    }
}

/// Local paths as Python's `os.path` treats them (awscli prints and matches through these).
public enum LocalPath {
    /// `os.path.abspath`: joined to the working directory and normalised textually (`.`, `..`,
    /// repeated and trailing slashes), without resolving symbolic links.
    public static func absolute(_ path: String, cwd: String = FileManager.default.currentDirectoryPath) -> String {
        let joined = path.hasPrefix("/") ? path : cwd + "/" + path
        var parts: [Substring] = []
        for c in joined.split(separator: "/", omittingEmptySubsequences: true) {
            if c == "." { continue }
            if c == ".." { _ = parts.popLast(); continue }
            parts.append(c)
        }
        return "/" + parts.joined(separator: "/")
    }

    /// Whether the relative path `rel` leads above the folder it is taken from (`../x`, `a/../../x`).
    public static func escapesRoot(_ rel: String) -> Bool {
        var depth = 0
        for c in rel.split(separator: "/") where c != "." {
            depth += c == ".." ? -1 : 1
            if depth < 0 { return true }
        }
        return false
    }

    /// awscli's `relative_path`: the file's folder relative to the working directory, joined with
    /// its name, so a file in the working directory prints as `./name`.
    /// A folder path with its trailing slash prints as `dir/` (an empty name after the folder).
    public static func relative(_ path: String, cwd: String = FileManager.default.currentDirectoryPath) -> String {
        let abs = absolute(path, cwd: cwd) + (path.hasSuffix("/") && path != "/" ? "/" : "")
        let slash = abs.lastIndex(of: "/")!
        let dir = abs[..<slash].isEmpty ? "/" : String(abs[..<slash])
        let name = abs[abs.index(after: slash)...]
        let from = absolute(cwd).split(separator: "/")
        let to = dir.split(separator: "/")
        var common = 0
        while common < from.count && common < to.count && from[common] == to[common] { common += 1 }
        let up = Array(repeating: "..", count: from.count - common)
        let rel = (up + to[common...].map(String.init)).joined(separator: "/")
        // os.path.join keeps a trailing slash of the folder part (`dir/` + `` for a folder path).
        return (rel.isEmpty ? "." : rel) + "/" + name
    }
}
