import NIOConcurrencyHelpers

/// A FIFO async mutex. SQLite allows one writer; a transaction spans several awaited statements, and
/// an actor would interleave other calls at each await, so writers queue here instead.
final class AsyncLock: Sendable {
    private struct State {
        var locked = false
        var nextWaiter = 0
        var waiters: [(id: Int, resume: CheckedContinuation<Bool, Never>)] = []
    }
    private let state = NIOLockedValueBox(State())

    /// Waits for the lock at most `timeout`; false when it was not had in time (the waiter is
    /// then gone from the queue).
    func lock(timeout: Duration) async -> Bool {
        await withCheckedContinuation { (c: CheckedContinuation<Bool, Never>) in
            let id = state.withLockedValue { s -> Int? in
                if !s.locked { s.locked = true; return nil }
                s.nextWaiter += 1
                s.waiters.append((s.nextWaiter, c))
                return s.nextWaiter
            }
            guard let id else { return c.resume(returning: true) }
            Task { [state] in
                try? await Task.sleep(for: timeout)
                let expired = state.withLockedValue { s -> CheckedContinuation<Bool, Never>? in
                    guard let i = s.waiters.firstIndex(where: { $0.id == id }) else { return nil }
                    return s.waiters.remove(at: i).resume
                }
                expired?.resume(returning: false)
            }
        }
    }

    func unlock() {
        let next = state.withLockedValue { s -> CheckedContinuation<Bool, Never>? in
            if s.waiters.isEmpty { s.locked = false; return nil }
            return s.waiters.removeFirst().resume
        }
        next?.resume(returning: true)
    }

    /// Runs `body` holding the lock; `onTimeout` is thrown when the lock was not had in `timeout`.
    func withLock<T>(timeout: Duration, onTimeout: any Error, _ body: () async throws -> T) async throws -> T {
        guard await lock(timeout: timeout) else { throw onTimeout }
        defer { unlock() }
        return try await body()
    }
}
