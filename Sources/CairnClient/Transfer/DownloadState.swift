import CairnModel
import Crypto
import Foundation

/// What a ranged download left behind for `--resume`: the object it was fetching (by ETag and
/// size, so a changed object starts over), the range size, and the MD5 of every range written to
/// the temporary file. The ranges are hashed again from the file before they are kept.
struct DownloadState: Codable, Sendable {
    var endpoint: String
    var bucket: String
    var key: String
    var etag: String
    var size: Int64
    var chunk: Int64
    /// Range index -> hex MD5 of its bytes as written.
    var done: [Int: String] = [:]
}

/// The state file of one download, rewritten (atomically) each time a range is complete, so a
/// kill at any moment leaves a file that lists only ranges whose bytes are all written.
actor DownloadLedger {
    let path: String
    private var state: DownloadState

    init(path: String, state: DownloadState) {
        self.path = path
        self.state = state
    }

    /// The state saved at `path` if it describes the same object (endpoint, bucket, key, ETag,
    /// size) and its temporary file still has the object's size.
    static func load(path: String, matching s: DownloadState, temporary: String) -> DownloadState? {
        guard let data = FileManager.default.contents(atPath: path),
              let saved = try? JSONDecoder().decode(DownloadState.self, from: data),
              saved.endpoint == s.endpoint, saved.bucket == s.bucket, saved.key == s.key,
              saved.etag == s.etag, saved.size == s.size, saved.chunk > 0 else { return nil }
        var st = stat()
        guard stat(temporary, &st) == 0, Int64(st.st_size) == s.size else { return nil }
        return saved
    }

    /// Where the state of a download of `bucket/key` from `endpoint` into `destination` lives.
    static func path(directory: String, endpoint: String, bucket: String, key: String, destination: String) -> String {
        let abs = URL(fileURLWithPath: destination).standardizedFileURL.path
        let id = Hex.encode(SHA256.hash(data: Data("\(endpoint)\n\(bucket)\n\(key)\n\(abs)".utf8)).prefix(16))
        return directory + "/downloads/\(id).json"
    }

    func save() {
        try? FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try? JSONEncoder().encode(state).write(to: URL(fileURLWithPath: path), options: .atomic)
    }

    func record(range: Int, md5: [UInt8]) {
        state.done[range] = Hex.encode(md5)
        save()
    }

    var isEmpty: Bool { state.done.isEmpty }

    func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }
}
