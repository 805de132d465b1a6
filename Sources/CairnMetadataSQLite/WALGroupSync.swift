import NIOConcurrencyHelpers
import NIOPosix
#if canImport(Glibc)
import Glibc
#endif

/// Group commit for the SQLite store: transactions commit with `synchronous=NORMAL` (no fsync
/// inside COMMIT, so the write lock is held only for the statements), then wait here for an
/// `fdatasync` of the WAL file before they return. Commits that arrive while a sync runs share the
/// next one, so N concurrent writers pay about one fsync per round instead of N in a row.
///
/// Why this keeps every durability promise: the WAL is appended in commit order, so an fdatasync
/// that starts after a transaction's COMMIT returned covers that transaction and every one before
/// it; nothing is acknowledged before its round ends. (SQLite syncs the WAL itself before a
/// checkpoint copies pages into the database file, with NORMAL as with FULL.) What changes: a
/// concurrent reader may see a commit a few hundred microseconds before it is durable, as it would
/// a write still in flight; no acknowledged write depends on one that is not durable.
final class WALGroupSync: Sendable {
    private struct State {
        var running = false
        var waiting: [CheckedContinuation<Void, Never>] = []
        var fd: Int32 = -1
    }
    private let path: String
    private let state = NIOLockedValueBox(State())
    private let thread: NIOThreadPool

    /// `path`: the WAL file (`<database>-wal`), opened on first use (SQLite creates it with the
    /// first write).
    init(walPath: String) {
        path = walPath
        thread = NIOThreadPool(numberOfThreads: 1)
        thread.start()
    }

    /// Returns once everything committed before the call is on disk.
    func sync() async {
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            let start = state.withLockedValue { s -> Bool in
                s.waiting.append(c)
                if s.running { return false }
                s.running = true
                return true
            }
            if start { thread.submit { [self] _ in rounds() } }
        }
    }

    /// Runs rounds until nobody waits: each takes the waiters present when it starts.
    private func rounds() {
        while true {
            let (batch, fd) = state.withLockedValue { s -> ([CheckedContinuation<Void, Never>], Int32) in
                defer { s.waiting = [] }
                if s.fd >= 0, !Self.sameFile(s.fd, path) {
                    // SQLite removes the WAL when the last connection to the database closes (another
                    // process's, say): a descriptor to a removed file would sync nothing useful.
                    Glibc.close(s.fd)
                    s.fd = -1
                }
                if s.fd < 0 { s.fd = open(path, O_RDONLY | O_CLOEXEC) }
                return (s.waiting, s.fd)
            }
            if batch.isEmpty {
                // Someone may have joined between the check and here: keep running for them.
                let done = state.withLockedValue { s -> Bool in
                    if s.waiting.isEmpty { s.running = false; return true }
                    return false
                }
                if done { return }
                continue
            }
            // A failed sync leaves the commits in an unknown state: the kernel may have dropped the
            // dirty pages it could not write, so a retry could succeed over lost data. As PostgreSQL
            // does since 2018, stop the process before anyone is answered; at restart SQLite
            // recovers from what is really on disk (blobs were synced before their commit, so
            // either outcome is consistent, and an unreferenced blob is swept later).
            if fd < 0 { fatalError("cannot open the metadata WAL \(path) to sync it: \(String(cString: strerror(errno)))") }
            if fdatasync(fd) != 0 { fatalError("fdatasync of the metadata WAL \(path) failed: \(String(cString: strerror(errno)))") }
            for c in batch { c.resume() }
        }
    }

    private static func sameFile(_ fd: Int32, _ path: String) -> Bool {
        var a = stat(), b = stat()
        return fstat(fd, &a) == 0 && stat(path, &b) == 0 && a.st_ino == b.st_ino && a.st_dev == b.st_dev
    }

    func close() async throws {
        state.withLockedValue { s in
            if s.fd >= 0 { Glibc.close(s.fd) }
            s.fd = -1
        }
        try await thread.shutdownGracefully()
    }
}
