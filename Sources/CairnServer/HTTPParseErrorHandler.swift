import CairnModel
import CairnProtocol
import HTTPTypes
import NIOCore
import NIOHTTP1
import NIOHTTPTypes

/// Answers a request the HTTP parser could not read (a malformed request line or header, a bad
/// Content-Length, broken chunked framing, a header block over the limit) the way S3 does:
/// `400 BadRequest` "An error occurred when parsing the HTTP request." as S3 error XML, then the
/// connection is closed. Hummingbird's own answer is an empty 400, which clients cannot parse as an
/// S3 error (found by scripts/fuzz-protocol).
///
/// Like NIO's HTTPServerProtocolErrorHandler it writes synchronously inside `errorCaught` (the
/// decoder closes the channel right after) and only when no response has started; the error is
/// not passed on once answered, so Hummingbird does not write a second response.
final class HTTPParseErrorHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private var responseInProgress = false

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .head(let head) where head.status.code >= 200: responseInProgress = true
        case .end: responseInProgress = false
        default: break
        }
        context.write(data, promise: promise)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard error is HTTPParserError, !responseInProgress else {
            context.fireErrorCaught(error)
            return
        }
        let xml = S3Error(.badRequest, "An error occurred when parsing the HTTP request.")
            .xml(resource: "", requestID: RequestID.next(), hostID: RequestID.hostID)
        let body = ByteBuffer(string: xml)
        var head = HTTPResponse(status: .badRequest)
        head.headerFields[.contentType] = "application/xml"
        head.headerFields[.contentLength] = String(body.readableBytes)
        head.headerFields[.connection] = "close"
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(body)), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in context.close(promise: nil) }
    }
}
