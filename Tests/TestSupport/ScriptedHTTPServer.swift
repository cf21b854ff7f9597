import Foundation
import NIOCore
import NIOPosix

/// A fault to inject: an HTTP/1.1 server on loopback that reads each whole request (headers and a
/// `Content-Length` body) and answers it with a script of raw writes and pauses — a redirect, a stream that
/// stalls after its first piece, headers and then silence. It records the requests it received.
public final class ScriptedHTTPServer: Sendable {
    /// One step of an answer.
    public enum Step: Sendable {
        /// Writes these bytes as they are (status line, headers, body pieces).
        case send(String)
        /// Waits before the next step.
        case pause(Duration)
        /// Never writes again and keeps the connection open (a stalled server).
        case stall
    }

    private let channel: any Channel
    private let received: Recorded
    public let port: Int

    /// `answer` gives the steps for a request (its head and body as text).
    public init(_ answer: @escaping @Sendable (_ request: String) -> [Step]) async throws {
        let received = Recorded()
        self.received = received
        channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.pipeline.addHandler(Handler(answer: answer, received: received))
            }
            .bind(host: "127.0.0.1", port: 0).get()
        port = channel.localAddress?.port ?? 0
    }

    /// The requests received so far (head and body as text), in order.
    public var requests: [String] { received.all }

    public func close() async throws { try await channel.close() }

    /// An event-stream answer's head (200, `text/event-stream`, closed by the server at the end).
    public static let eventStreamHead = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nConnection: close\r\n\r\n"

    /// One chat-completion chunk as a server-sent event carrying `piece`.
    public static func chunk(_ piece: String) -> String {
        let data = try! JSONSerialization.data(withJSONObject: ["choices": [["delta": ["content": piece]]]])
        return "data: \(String(decoding: data, as: UTF8.self))\n\n"
    }

    private final class Recorded: @unchecked Sendable {
        private let lock = NSLock()
        private var requests: [String] = []
        func append(_ request: String) { lock.withLock { requests.append(request) } }
        var all: [String] { lock.withLock { requests } }
    }

    private final class Handler: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer
        let answer: @Sendable (String) -> [Step]
        let received: Recorded
        var buffer: [UInt8] = []

        init(answer: @escaping @Sendable (String) -> [Step], received: Recorded) {
            self.answer = answer
            self.received = received
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            var bytes = unwrapInboundIn(data)
            buffer += bytes.readBytes(length: bytes.readableBytes) ?? []
            while let request = nextRequest() {
                received.append(request)
                play(answer(request)[...], context: context)
            }
        }

        /// A whole request taken off the buffer, when one has arrived.
        private func nextRequest() -> String? {
            let separator: [UInt8] = Array("\r\n\r\n".utf8)
            guard let end = (0..<max(0, buffer.count - 3)).first(where: { Array(buffer[$0..<$0 + 4]) == separator }) else { return nil }
            let head = String(decoding: buffer[..<end], as: UTF8.self)
            let length = head.split(separator: "\r\n").compactMap { line -> Int? in
                let parts = line.split(separator: ":", maxSplits: 1)
                guard parts.count == 2, parts[0].lowercased() == "content-length" else { return nil }
                return Int(parts[1].trimmingCharacters(in: .whitespaces))
            }.first ?? 0
            guard buffer.count >= end + 4 + length else { return nil }
            let request = String(decoding: buffer[..<(end + 4 + length)], as: UTF8.self)
            buffer.removeFirst(end + 4 + length)
            return request
        }

        private func play(_ steps: ArraySlice<Step>, context: ChannelHandlerContext) {
            guard let step = steps.first else {
                context.close(promise: nil)  // the script is over: the answer ends with the connection
                return
            }
            let rest = steps.dropFirst()
            switch step {
            case .send(let text):
                context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: text)), promise: nil)
                play(rest, context: context)
            case .pause(let duration):
                let nanoseconds = duration.components.seconds * 1_000_000_000 + duration.components.attoseconds / 1_000_000_000
                let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
                context.eventLoop.scheduleTask(in: .nanoseconds(nanoseconds)) {
                    let (handler, context) = loopBound.value
                    handler.play(rest, context: context)
                }
            case .stall:
                return
            }
        }
    }
}
