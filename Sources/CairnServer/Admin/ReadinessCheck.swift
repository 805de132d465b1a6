import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// One thing `/ready` checks: it throws when the server cannot serve requests. Checks are cheap
/// (one metadata read, one small file) and each has `timeout`: a hung mount makes /ready answer
/// 503, not hang with it.
public struct ReadinessCheck: Sendable {
    public var name: String
    public var run: @Sendable () async throws -> Void
    public static let timeout: Duration = .seconds(2)

    public init(name: String, run: @escaping @Sendable () async throws -> Void) {
        self.name = name
        self.run = run
    }

    /// The folder takes a new file: one is created, written, and deleted. Put it in a folder that
    /// startup empties (the data folder's `tmp/`), so a crash between the two leaves nothing behind.
    public static func writableFolder(_ path: String, name: String = "data") -> ReadinessCheck {
        ReadinessCheck(name: name) {
            let file = "\(path)/ready-\(UUID().uuidString)"
            let fd = open(file, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
            guard fd >= 0 else { throw ReadinessFailure("cannot create a file in \(path): \(String(cString: strerror(errno)))") }
            defer { unlink(file) }
            let written = write(fd, "ok", 2)
            let code = errno
            close(fd)
            guard written == 2 else { throw ReadinessFailure("cannot write a file in \(path): \(String(cString: strerror(code)))") }
        }
    }

    /// Runs the check; nil when it passed, else why not. The check runs in a task of its own, so
    /// that one that never returns is abandoned after `timeout` instead of holding the answer.
    func failure() async -> String? {
        await withCheckedContinuation { (continuation: CheckedContinuation<String?, Never>) in
            let answer = FirstAnswer(continuation)
            Task {
                do {
                    try await run()
                    answer.give(nil)
                } catch {
                    answer.give("\(error)")
                }
            }
            Task {
                try? await Task.sleep(for: Self.timeout)
                answer.give("no answer within \(Self.timeout)")
            }
        }
    }
}

/// Resumes a continuation with the first answer given; later ones are ignored.
private final class FirstAnswer: @unchecked Sendable {
    private let lock = NSLock()
    private var continuation: CheckedContinuation<String?, Never>?
    init(_ continuation: CheckedContinuation<String?, Never>) { self.continuation = continuation }

    func give(_ answer: String?) {
        let c: CheckedContinuation<String?, Never>? = lock.withLock {
            defer { continuation = nil }
            return continuation
        }
        c?.resume(returning: answer)
    }
}

struct ReadinessFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
