import NIOCore
import NIOPosix

/// A fault to inject: a TCP server on loopback that accepts connections and never answers (a hung model server).
public final class SilentServer: Sendable {
    private let channel: any Channel
    public let port: Int

    public init() async throws {
        channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { _ in MultiThreadedEventLoopGroup.singleton.any().makeSucceededVoidFuture() }
            .bind(host: "127.0.0.1", port: 0).get()
        port = channel.localAddress?.port ?? 0
    }

    public func close() async throws { try await channel.close() }
}
