import NIOCore

/// Closes a connection whose client stops reading the response: once the socket has stayed
/// unwritable (the client's receive window full) for the idle timeout, the connection is closed
/// and the response's task ends with an error, freeing its buffers and file handles.
///
/// Hummingbird's idle timeout never fires while a response is being written, so without this a
/// client that sends GET for a large object and never reads held the connection, its task and its
/// open blob forever (slowloris on the response side; issue 17).
final class StalledWriteHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny

    private let timeout: TimeAmount
    private var pending: Scheduled<Void>?

    init(timeout: TimeAmount) { self.timeout = timeout }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable {
            pending?.cancel()
            pending = nil
        } else if pending == nil {
            pending = context.eventLoop.scheduleTask(in: timeout) { [weak self] in
                guard let self else { return }
                self.pending = nil
                if !context.channel.isWritable { context.close(promise: nil) }
            }
        }
        context.fireChannelWritabilityChanged()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        pending?.cancel()
        pending = nil
    }
}
