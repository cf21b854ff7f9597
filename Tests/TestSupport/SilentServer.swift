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

/// A client that sends part of a request and then nothing (a slow or stalled client).
public enum HalfSentRequest {
    /// How long after sending `bytes` the server closed the connection; nil when it was still open after `limit`.
    public static func timeUntilClosed(port: Int, sending bytes: String, limit: Duration) async throws -> Duration? {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton).connect(host: "127.0.0.1", port: port).get()
        try await channel.writeAndFlush(ByteBuffer(string: bytes)).get()
        let start = ContinuousClock.now
        return try await withThrowingTaskGroup(of: Duration?.self) { group in
            group.addTask { try? await channel.closeFuture.get(); return ContinuousClock.now - start }
            group.addTask { try? await Task.sleep(for: limit); return nil }
            let first = try await group.next() ?? nil
            group.cancelAll()
            if first == nil { try? await channel.close() }
            return first
        }
    }
}
