import CairnStorage
import NIOConcurrencyHelpers
import PostgresNIO
import _ConnectionPoolModule

/// A pooled connection within a bound. postgres-nio's pool lets a request wait for a connection
/// as long as it keeps failing to open one, and only after 60 s of failures gives up (its circuit
/// breaker): with the database gone, every request would hang for a minute, then answer 500, and
/// requests pile up meanwhile. Here a request waits at most `wait` for its connection and then is
/// `MetadataError.unavailable` (503, which SDKs retry); the wait is cancelled, so the pool forgets
/// it. Once a connection is leased the bound no longer applies: a statement is never cut off.
enum PostgresLease {
    /// How long a request waits for a pooled connection.
    static let wait: Duration = .seconds(5)

    static func withConnection<T: Sendable>(_ client: PostgresClient, _ body: (PostgresConnection) async throws -> T) async throws -> T {
        let gate = Gate()
        return try await withoutActuallyEscaping(body) { body in
            // The task group's children must be Sendable; `body` runs inside it and the group
            // ends before this call returns, so it does not outlive its caller.
            let work = UncheckedBody(body: body)
            return try await withThrowingTaskGroup(of: T?.self) { group in
                group.addTask {
                    do {
                        return try await client.withConnection { connection in
                            guard gate.lease() else { throw MetadataError.unavailable }
                            return try await work.body(connection)
                        }
                    } catch {
                        throw PostgresFailure.mapped(error)
                    }
                }
                group.addTask {
                    try? await Task.sleep(for: wait)
                    if gate.expire() { throw MetadataError.unavailable }
                    return nil
                }
                while let result = try await group.next() {
                    if let value = result {
                        group.cancelAll()
                        return value
                    }
                }
                preconditionFailure("the lease task ended without a result or an error")
            }
        }
    }

    /// Whichever comes first, the connection or the deadline, wins; the other then does nothing.
    final class Gate: Sendable {
        private enum State { case waiting, leased, expired }
        private let state = NIOLockedValueBox(State.waiting)

        func lease() -> Bool { transition(to: .leased) }
        func expire() -> Bool { transition(to: .expired) }

        private func transition(to next: State) -> Bool {
            state.withLockedValue { s in
                guard s == .waiting else { return false }
                s = next
                return true
            }
        }
    }

    struct UncheckedBody<T>: @unchecked Sendable {
        let body: (PostgresConnection) async throws -> T
    }
}

/// PostgreSQL failures that say the database cannot be reached (as opposed to a statement's
/// error): the connection broke, the server is shutting down or starting, or the pool gave up.
enum PostgresFailure {
    static func isConnectionLoss(_ error: any Error) -> Bool {
        if error is ConnectionPoolError { return true }
        guard let e = error as? PSQLError else { return false }
        switch e.code {
        case .serverClosedConnection, .clientClosedConnection, .connectionError, .uncleanShutdown, .poolClosed:
            return true
        case .server:
            // Class 08 (connection exception) and 57P01-57P03 (admin or crash shutdown, cannot
            // connect now: the server is starting or recovering).
            let state = e.serverInfo?[.sqlState] ?? ""
            return state.hasPrefix("08") || ["57P01", "57P02", "57P03"].contains(state)
        default:
            return false
        }
    }

    /// `MetadataError.unavailable` for a lost database, the error itself otherwise.
    static func mapped(_ error: any Error) -> any Error {
        isConnectionLoss(error) ? MetadataError.unavailable : error
    }
}
