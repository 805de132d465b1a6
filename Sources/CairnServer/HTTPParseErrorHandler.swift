import CairnModel
import CairnProtocol
import HTTPTypes
import NIOCore
import NIOHTTP1
import NIOHTTPTypes

/// Answers a request the HTTP parser could not read (a malformed request line or header, a bad
/// Content-Length, broken chunked framing) the way S3 does: `400 BadRequest` "An error occurred
/// when parsing the HTTP request." as S3 error XML, then the connection is closed. A header section
/// over S3's 8 KiB (`maximumHeaderBytes`) is `400 RequestHeaderSectionTooLarge`. Hummingbird's own answer is an empty 400, which clients cannot parse as an
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

    /// S3's limit on a request's header section ("RequestHeaderSectionTooLarge"), given to the
    /// HTTP decoder as its limit on header names and values together.
    static let maximumHeaderBytes = 8192

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
        let answer = (error as? HTTPParserError) == .headerOverflow
            ? S3Error(.requestHeaderSectionTooLarge, fields: [("MaxSizeAllowed", String(Self.maximumHeaderBytes))])
            : S3Error(.badRequest, "An error occurred when parsing the HTTP request.")
        Self.answerAndClose(context: context, answer)
    }

    /// Writes `error` as S3 error XML with `Connection: close`, then closes the connection.
    static func answerAndClose(context: ChannelHandlerContext, _ error: S3Error) {
        let xml = error.xml(resource: "", requestID: RequestID.next(), hostID: RequestID.hostID)
        let body = ByteBuffer(string: xml)
        var head = HTTPResponse(status: .init(code: error.code.httpStatus))
        head.headerFields[.contentType] = "application/xml"
        head.headerFields[.contentLength] = String(body.readableBytes)
        head.headerFields[.connection] = "close"
        context.write(NIOAny(HTTPResponsePart.head(head)), promise: nil)
        context.write(NIOAny(HTTPResponsePart.body(body)), promise: nil)
        context.writeAndFlush(NIOAny(HTTPResponsePart.end(nil))).whenComplete { _ in context.close(promise: nil) }
    }
}
