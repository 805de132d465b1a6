import NIOCore

/// Lets one socket read take up to 256 KiB instead of NIO's default 64 KiB. Request bodies then
/// arrive in fewer, larger pieces: per GB uploaded, 4x fewer read syscalls, fewer window-update
/// ACKs sent from the read path, and fewer body elements handed from the event loop to the
/// request's task (together ~13% of the server's CPU per GB, BENCHMARKS.md). 1 MiB reads saved
/// another ~2%, within noise, for 4x the memory per uploading connection (Hummingbird buffers up
/// to four body pieces). The allocator is adaptive, so connections carrying small requests keep
/// small buffers; the handler only sets the option and then passes everything through.
final class LargeReadsHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny
    static let maximumRead = 256 << 10

    func handlerAdded(context: ChannelHandlerContext) {
        try? context.channel.syncOptions?.setOption(
            ChannelOptions.recvAllocator,
            value: AdaptiveRecvByteBufferAllocator(minimum: 64, initial: 2048, maximum: Self.maximumRead))
    }
}
