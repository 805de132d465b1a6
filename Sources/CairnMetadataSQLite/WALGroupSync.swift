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
        /// After `close`: the database was closed, which checkpointed and synced the WAL.
        var closed = false
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
            let round = state.withLockedValue { s -> Round in
                defer { s.waiting = [] }
                if s.closed { return Round(batch: s.waiting, fd: -1, openError: 0, closed: true) }
                if s.fd >= 0, !Self.sameFile(s.fd, path) {
                    // SQLite removes the WAL when the last connection to the database closes (another
                    // process's, say): a descriptor to a removed file would sync nothing useful.
                    Glibc.close(s.fd)
                    s.fd = -1
                }
                var openError: Int32 = 0
                if s.fd < 0 {
                    s.fd = open(path, O_RDONLY | O_CLOEXEC)
                    if s.fd < 0 { openError = errno }
                }
                return Round(batch: s.waiting, fd: s.fd, openError: openError, closed: false)
            }
            if round.batch.isEmpty {
                // Someone may have joined between the check and here: keep running for them.
                let done = state.withLockedValue { s -> Bool in
                    if s.waiting.isEmpty { s.running = false; return true }
                    return false
                }
                if done { return }
                continue
            }
            if round.closed || round.openError == ENOENT {
                // No WAL: SQLite checkpointed it into the database (syncing both) and removed it
                // when its last connection closed, so what was committed is on disk.
                for c in round.batch { c.resume() }
                continue
            }
            // A failed sync leaves the commits in an unknown state: the kernel may have dropped the
            // dirty pages it could not write, so a retry could succeed over lost data. As PostgreSQL
            // does since 2018, stop the process before anyone is answered; at restart SQLite
            // recovers from what is really on disk (blobs were synced before their commit, so
            // either outcome is consistent, and an unreferenced blob is swept later).
            if round.fd < 0 { fatalError("cannot open the metadata WAL \(path) to sync it: \(String(cString: strerror(round.openError)))") }
            if fdatasync(round.fd) != 0 { fatalError("fdatasync of the metadata WAL \(path) failed: \(String(cString: strerror(errno)))") }
            for c in round.batch { c.resume() }
        }
    }

    private struct Round {
        var batch: [CheckedContinuation<Void, Never>]
        var fd: Int32
        var openError: Int32
        var closed: Bool
    }

    private static func sameFile(_ fd: Int32, _ path: String) -> Bool {
        var a = stat(), b = stat()
        return fstat(fd, &a) == 0 && stat(path, &b) == 0 && a.st_ino == b.st_ino && a.st_dev == b.st_dev
    }

    func close() async throws {
        state.withLockedValue { s in
            if s.fd >= 0 { Glibc.close(s.fd) }
            s.fd = -1
            s.closed = true
        }
        try await thread.shutdownGracefully()
    }
}
