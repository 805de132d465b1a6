import CoreMetrics
import Foundation
import Logging

#if canImport(Glibc)
import Glibc
#endif

/// `--access-log FILE|-`: one JSON line per request (`AccessLogLine`), appended by a thread of its
/// own so that a request never waits for the disk.
///
/// Lines wait in a bounded queue; when it is full (the disk is slower than the requests) or a write
/// fails (a full disk, an I/O error), lines are dropped and counted instead, and the server goes on.
/// Why a thread and not a task: `write(2)` blocks, and the server has one cooperative thread per
/// core (two here), which a slow disk would take from every request.
final class AccessLog: RequestObserver, @unchecked Sendable {
    /// Lines waiting at most; about 5 MB at 500 bytes a line.
    static let defaultCapacity = 10_000

    /// nil for standard output. The descriptor is the writer thread's alone once it runs.
    private let path: String?
    private var fd: Int32
    private let capacity: Int
    private let logger: Logger
    private let droppedLines: CoreMetrics.Counter
    private let writtenLines: CoreMetrics.Counter
    // Guarded by `condition`.
    private let condition = NSCondition()
    private var queue: [String] = []
    private var closing = false
    private var reopenRequested = false
    private var writerDone = false
    private var failing = false

    /// Opens (appends to) `path`, or standard output for `-`.
    init(path: String, capacity: Int = AccessLog.defaultCapacity, logger: Logger, metrics: any MetricsFactory) throws {
        if path == "-" {
            self.path = nil
            fd = STDOUT_FILENO
            // A reader of standard output that goes away (`cairn server --access-log - | head`) must
            // not kill the server with SIGPIPE: the write fails with EPIPE and lines are dropped.
            signal(SIGPIPE, SIG_IGN)
        } else {
            self.path = path
            fd = try Self.open(path)
        }
        self.capacity = capacity
        self.logger = logger
        droppedLines = Counter(label: "cairn_access_log_dropped_lines_total", factory: metrics)
        writtenLines = Counter(label: "cairn_access_log_lines_total", factory: metrics)
        let thread = Thread { [self] in drain() }
        thread.name = "cairn-access-log"
        thread.start()
    }

    var wantsTLSVersion: Bool { true }

    func observe(_ request: ObservedRequest) {
        enqueue(AccessLogLine.format(request))
    }

    /// Queues one line; false (and counted) when the queue is full or the log is closed.
    @discardableResult
    func enqueue(_ line: String) -> Bool {
        condition.lock()
        guard !closing, queue.count < capacity else {
            condition.unlock()
            droppedLines.increment()
            return false
        }
        queue.append(line)
        condition.signal()
        condition.unlock()
        return true
    }

    /// Opens the file again by its name (SIGHUP, after logrotate moved it away); lines queued
    /// before go to whichever file the writer has when it takes them.
    func reopen() {
        condition.lock()
        reopenRequested = true
        condition.signal()
        condition.unlock()
    }

    /// Writes what is queued, stops the thread and closes the file (once, however often called).
    func close() {
        condition.lock()
        let first = !closing
        closing = true
        condition.broadcast()
        while !writerDone { condition.wait() }
        condition.unlock()
        if first, path != nil { Glibc.close(fd) }
    }

    private static func open(_ path: String) throws -> Int32 {
        let fd = Glibc.open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o640)
        guard fd >= 0 else { throw AccessLogError(message: "cannot open access log \(path): \(String(cString: strerror(errno)))") }
        return fd
    }

    private func drain() {
        while true {
            condition.lock()
            while queue.isEmpty && !closing && !reopenRequested { condition.wait() }
            let batch = queue
            queue.removeAll(keepingCapacity: true)
            let reopening = reopenRequested
            reopenRequested = false
            let finished = closing && batch.isEmpty
            if finished {
                writerDone = true
                condition.broadcast()
            }
            condition.unlock()
            if finished { return }
            if reopening { reopenFile() }
            if !batch.isEmpty { write(batch) }
        }
    }

    /// A file that cannot be opened again keeps the old one (the error is logged).
    private func reopenFile() {
        guard let path else { return }
        do {
            let new = try Self.open(path)
            Glibc.close(fd)
            fd = new
            logger.notice("access log: reopened \(path)")
        } catch {
            logger.error("\(error); still writing to the file it had")
        }
    }

    /// One `write` per batch; a batch that cannot be written is counted as dropped whole (a write
    /// cut short by a full disk may leave part of it, and a partial last line, in the file).
    private func write(_ batch: [String]) {
        var text = batch.joined(separator: "\n")
        text += "\n"
        let ok = text.withUTF8 { bytes -> Bool in
            var offset = 0
            while offset < bytes.count {
                let n = Glibc.write(fd, bytes.baseAddress! + offset, bytes.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    reportFailure(errno)
                    return false
                }
                offset += n
            }
            return true
        }
        if ok {
            writtenLines.increment(by: Int64(batch.count))
            if failing {
                failing = false
                logger.notice("access log: writing again")
            }
        } else {
            droppedLines.increment(by: Int64(batch.count))
        }
    }

    /// Logged once per run of failures, not once per batch: a full disk would otherwise flood the log.
    private func reportFailure(_ code: Int32) {
        guard !failing else { return }
        failing = true
        logger.error("access log: write failed (\(String(cString: strerror(code)))); dropping lines until it succeeds")
    }
}

struct AccessLogError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}
