import CairnModel
import HTTPTypes
import NIOCore
import NIOHTTPTypes
import Synchronization

/// The number of open client connections, shared by every connection's `ConnectionLimitHandler`.
final class ConnectionGate: Sendable {
    let maximum: Int
    private let open = Atomic<Int>(0)

    init(maximum: Int) { self.maximum = maximum }

    /// Counts a new connection; false when it is one too many.
    func enter() -> Bool { open.wrappingAdd(1, ordering: .relaxed).newValue <= maximum }
    func leave() { open.wrappingSubtract(1, ordering: .relaxed) }
}

/// `--max-connections`: a connection beyond the limit gets `503 SlowDown` to its first request
/// (the answer boto3, the aws CLI and the other SDKs back off and retry on) and is closed, instead
/// of holding memory and a file descriptor. Slow clients (slowloris) cannot hold more than the
/// limit, and each is closed by the idle timeout.
final class ConnectionLimitHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private let gate: ConnectionGate
    private var counted = false
    private var refused = false

    init(gate: ConnectionGate) { self.gate = gate }

    func handlerAdded(context: ChannelHandlerContext) {
        counted = true
        refused = !gate.enter()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        if counted { gate.leave(); counted = false }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard refused else { return context.fireChannelRead(data) }
        if case .head = unwrapInboundIn(data) {
            HTTPParseErrorHandler.answerAndClose(context: context, S3Error(.slowDown))
        }
    }
}
