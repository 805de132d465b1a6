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

    private let fd: Int32
    private let ownsFD: Bool
    private let capacity: Int
    private let logger: Logger
    private let droppedLines: CoreMetrics.Counter
    private let writtenLines: CoreMetrics.Counter
    // Guarded by `condition`.
    private let condition = NSCondition()
    private var queue: [String] = []
    private var closing = false
    private var writerDone = false
    private var failing = false

    /// Opens (appends to) `path`, or standard output for `-`.
    init(path: String, capacity: Int = AccessLog.defaultCapacity, logger: Logger, metrics: any MetricsFactory) throws {
        if path == "-" {
            fd = STDOUT_FILENO
            ownsFD = false
            // A reader of standard output that goes away (`cairn server --access-log - | head`) must
            // not kill the server with SIGPIPE: the write fails with EPIPE and lines are dropped.
            signal(SIGPIPE, SIG_IGN)
        } else {
            fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o640)
            guard fd >= 0 else {
                throw AccessLogError(message: "cannot open access log \(path): \(String(cString: strerror(errno)))")
            }
            ownsFD = true
        }
        self.capacity = capacity
        self.logger = logger
        droppedLines = Counter(label: "cairn_access_log_dropped_lines_total", factory: metrics)
        writtenLines = Counter(label: "cairn_access_log_lines_total", factory: metrics)
        let thread = Thread { [self] in drain() }
        thread.name = "cairn-access-log"
        thread.start()
    }

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

    /// Writes what is queued, stops the thread and closes the file.
    func close() {
        condition.lock()
        closing = true
        condition.broadcast()
        while !writerDone { condition.wait() }
        condition.unlock()
        if ownsFD { Glibc.close(fd) }
    }

    private func drain() {
        while true {
            condition.lock()
            while queue.isEmpty && !closing { condition.wait() }
            let batch = queue
            queue.removeAll(keepingCapacity: true)
            let finished = closing && batch.isEmpty
            if finished {
                writerDone = true
                condition.broadcast()
            }
            condition.unlock()
            if finished { return }
            write(batch)
        }
    }

    /// One `write` per batch; a batch that cannot be written is dropped whole.
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
