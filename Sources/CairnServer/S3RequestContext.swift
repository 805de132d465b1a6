import Hummingbird
import Logging
import NIOCore

/// Request context carrying the channel, so a handler can ask for `100 Continue` at the right time.
public struct S3RequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    public let channel: any Channel

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.channel = source.channel
    }

    /// S3 bodies are streamed; only small XML bodies are collected, with their own limits.
    public var maxUploadSize: Int { 1024 * 1024 }
}
