import HTTPTypes
import NIOCore
import NIOHTTPTypes

/// Sent by a handler (as a user outbound event) once the request is authenticated and its body is
/// wanted: only then does the client get `100 Continue` and start sending.
public struct SendContinue: Sendable {}

/// `Expect: 100-continue`, which neither Hummingbird nor NIO answers. Clients (boto3, aws CLI) send
/// it on every PUT and otherwise wait ~1 s. A request rejected before its body is read gets its
/// final response without a 100, and the connection is closed after it, since the client may or may
/// not send the body it was holding back.
final class ContinueHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private var continuePending = false
    private var closeAfterResponse = false

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .head(let head) = unwrapInboundIn(data) {
            continuePending = head.headerFields[.expect]?.lowercased() == "100-continue"
            closeAfterResponse = false
        }
        context.fireChannelRead(data)
    }

    func triggerUserOutboundEvent(context: ChannelHandlerContext, event: Any, promise: EventLoopPromise<Void>?) {
        guard event is SendContinue else {
            context.triggerUserOutboundEvent(event, promise: promise)
            return
        }
        if continuePending {
            continuePending = false
            context.writeAndFlush(wrapOutboundOut(.head(HTTPResponse(status: .continue))), promise: nil)
        }
        promise?.succeed()
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .head(var head) where head.status.code >= 200:
            if continuePending {
                // Tell the client, so it does not reuse a connection we are about to close.
                continuePending = false
                closeAfterResponse = true
                head.headerFields[.connection] = "close"
                context.write(wrapOutboundOut(.head(head)), promise: promise)
            } else {
                context.write(data, promise: promise)
            }
        case .end:
            if closeAfterResponse {
                closeAfterResponse = false
                context.writeAndFlush(data).whenComplete { _ in context.close(promise: nil) }
                promise?.succeed()
            } else {
                context.write(data, promise: promise)
            }
        default:
            context.write(data, promise: promise)
        }
    }
}
