import CairnModel
import Foundation

/// Lists the files a command works on (awscli `FileGenerator`): a local file or a folder walked
/// in S3's key order, one object (HeadObject) or every object under a prefix; the filters are
/// applied here. Files that cannot be read are skipped with a warning.
public struct FileLister: Sendable {
    var client: S3Client
    let followSymlinks: Bool
    let pageSize: Int?
    let warn: @Sendable (String) -> Void
    /// Sent with the HeadObject of a single-object source (an SSE-C key).
    public var headHeaders: [(String, String)] = []

    public init(client: S3Client, followSymlinks: Bool, pageSize: Int?, warn: @escaping @Sendable (String) -> Void) {
        self.client = client
        self.followSymlinks = followSymlinks
        self.pageSize = pageSize
        self.warn = warn
    }

    /// The source side of `pair` that passes `filter`, sorted by compare key. `forDelete` keeps
    /// folder markers (zero-byte keys ending in `/`) and does not look a single object up.
    public func list(_ pair: FilePair, filter: FileFilter, forDelete: Bool = false) async throws -> [FileEntry] {
        let found: [(path: String, size: Int64, mtime: Double, storageClass: String?)]
        if pair.source.isS3 {
            found = try await objects(pair.source.path, directory: pair.directory, forDelete: forDelete)
        } else {
            found = localFiles(pair.source.path, directory: pair.directory).map { ($0.path, $0.size, $0.mtime, nil) }
        }
        return found.filter { filter.includes($0.path) }.map { f in
            let (dest, compareKey) = pair.destination(for: f.path)
            return FileEntry(source: f.path, sourceIsS3: pair.source.isS3, destination: dest, destinationIsS3: pair.destination.isS3,
                             compareKey: compareKey, size: f.size, lastModified: f.mtime, storageClass: f.storageClass)
        }.sorted { $0.compareKey.utf8.lexicographicallyPrecedes($1.compareKey.utf8) }
    }

    func objects(_ s3Path: String, directory: Bool, forDelete: Bool) async throws -> [(path: String, size: Int64, mtime: Double, storageClass: String?)] {
        let (bucket, prefix) = S3URI.split(s3Path)
        if !directory && !prefix.isEmpty {
            if forDelete { return [(s3Path, -1, 0, nil)] }
            do {
                let h = try await Transfer.send(client, "HeadObject", S3Request(method: "HEAD", bucket: bucket, key: prefix, headers: headHeaders))
                let mtime = h.header("Last-Modified").flatMap { UTCDate.parseRFC1123($0) }?.timeIntervalSince1970 ?? 0
                // A restored archive object (`x-amz-restore: ongoing-request="false"`) can be read.
                let restored = h.header("x-amz-restore")?.contains("ongoing-request=\"false\"") == true
                return [(s3Path, Int64(h.header("Content-Length") ?? "") ?? 0, mtime, restored ? nil : h.header("x-amz-storage-class"))]
            } catch var e as S3ServiceError where e.status == 404 {
                e.message = "Key \"\(prefix)\" does not exist"  // awscli's wording for a missing source
                throw e
            }
        }
        return try await ObjectListing(client: client).all(bucket: bucket, prefix: prefix, pageSize: pageSize).compactMap { o in
            let path = bucket + "/" + o.key
            if o.size == 0 && o.key.hasSuffix("/") { return forDelete ? (path, o.size, o.lastModified, o.storageClass) : nil }
            if !directory && s3Path != path { return nil }
            return (path, o.size, o.lastModified, o.storageClass)
        }
    }

    /// A file, or a folder's files depth first (awscli `list_files`).
    func localFiles(_ path: String, directory: Bool) -> [(path: String, size: Int64, mtime: Double)] {
        var out: [(String, Int64, Double)] = []
        if !directory {
            // A folder named without --recursive stays in the list (as `dir/`) and fails as aws's does.
            let p = path.hasSuffix("/") ? String(path.dropLast()) : path
            if let f = fileStat(p) { out.append((path, f.1, f.2)) }
            return out
        }
        walk(path.hasSuffix("/") ? String(path.dropLast()) : path, into: &out)
        return out
    }

    func walk(_ dir: String, into out: inout [(String, Int64, Double)]) {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: dir) else {
            warn("warning: Skipping file \(dir)/. File/Directory is not readable.")
            return
        }
        for name in names {
            let p = dir + "/" + name
            var lst = stat()
            guard lstat(p, &lst) == 0 else { continue }
            if (lst.st_mode & S_IFMT) == S_IFLNK && !followSymlinks { continue }
            var st = stat()
            guard stat(p, &st) == 0 else {
                warn("warning: Skipping file \(p). File does not exist.")
                continue
            }
            if (st.st_mode & S_IFMT) == S_IFDIR {
                walk(p, into: &out)
            } else if let f = fileStat(p) {
                out.append(f)
            }
        }
    }

    func fileStat(_ p: String) -> (String, Int64, Double)? {
        var st = stat()
        guard stat(p, &st) == 0 else {
            warn("warning: Skipping file \(p). File does not exist.")
            return nil
        }
        let type = st.st_mode & S_IFMT
        if type == S_IFCHR || type == S_IFBLK || type == S_IFIFO || type == S_IFSOCK {
            warn("warning: Skipping file \(p). File is character special device, block special device, FIFO, or socket.")
            return nil
        }
        if type == S_IFREG && access(p, R_OK) != 0 {
            warn("warning: Skipping file \(p). File/Directory is not readable.")
            return nil
        }
        return (p, Int64(st.st_size), Double(st.st_mtim.tv_sec) + Double(st.st_mtim.tv_nsec) / 1e9)
    }
}
