import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// Where the chat model is and how long to wait for it.
public struct LLMConfiguration: Sendable, Equatable {
    /// The API root, such as `http://127.0.0.1:8089/v1` (llama-server, vLLM) or `http://127.0.0.1:11434/v1` (Ollama).
    public var baseURL: URL
    public var model: String
    public var apiKey: String?
    /// No first piece of the answer within this time: the call fails (and the caller falls back).
    public var firstTokenTimeout: Duration
    /// No next piece within this time after the last one (a server that stalls mid-answer): the call fails.
    public var interTokenTimeout: Duration
    /// The whole answer must arrive within this time.
    public var totalTimeout: Duration
    /// Retries of a failed connection or a 429/5xx answer, before any text has arrived.
    public var maxRetries: Int
    /// Send llama.cpp's `grammar` field (llama-server understands it; other servers may reject it).
    public var sendsGrammar: Bool
    public var egress: EgressPolicy

    public init(baseURL: URL, model: String, apiKey: String? = nil, firstTokenTimeout: Duration = .seconds(20),
                interTokenTimeout: Duration = .seconds(10), totalTimeout: Duration = .seconds(120), maxRetries: Int = 2, sendsGrammar: Bool = false,
                egress: EgressPolicy = EgressPolicy()) {
        self.baseURL = baseURL
        self.model = model
        self.apiKey = apiKey
        self.firstTokenTimeout = firstTokenTimeout
        self.interTokenTimeout = interTokenTimeout
        self.totalTimeout = totalTimeout
        self.maxRetries = maxRetries
        self.sendsGrammar = sendsGrammar
        self.egress = egress
    }
}

/// A client of `/v1/chat/completions` with SSE streaming, on AsyncHTTPClient: works with llama-server, Ollama
/// and vLLM. Refuses endpoints the egress policy does not allow, checked on the resolved address before every
/// request, which then goes to that address; never follows a redirect.
public struct OpenAICompatibleClient: ChatModel {
    public let configuration: LLMConfiguration
    private let http: HTTPClient
    public var modelName: String { configuration.model }

    public init(_ configuration: LLMConfiguration, httpClient: HTTPClient = .modelServers) throws {
        try configuration.egress.check(configuration.baseURL)
        self.configuration = configuration
        self.http = httpClient
    }

    /// Whether the endpoint answers `GET /models` (readiness of a model server this process does not run).
    public func isReachable() async -> Bool {
        guard let request = try? self.request("models") else { return false }
        guard let response = try? await http.execute(request, timeout: .seconds(2)) else { return false }
        _ = try? await response.body.collect(upTo: 1 << 20)
        return response.status == .ok
    }

    public func stream(_ request: ChatRequest) -> AsyncThrowingStream<String, Error> {
        let (stream, continuation) = AsyncThrowingStream<String, Error>.makeStream()
        let task = Task {
            do {
                try await run(request) { continuation.yield($0) }
                continuation.finish()
            } catch is CancellationError {
                continuation.finish(throwing: CancellationError())
            } catch {
                continuation.finish(throwing: error)
            }
        }
        continuation.onTermination = { _ in task.cancel() }
        return stream
    }

    /// A request to `path` under the API root, sent to the address the egress policy checked just now.
    private func request(_ path: String) throws -> HTTPClientRequest {
        let destination = try configuration.egress.destination(of: configuration.baseURL)
        var request = HTTPClientRequest(url: destination.url.appendingPathComponent(path).absoluteString)
        if let host = destination.hostHeader { request.headers.replaceOrAdd(name: "Host", value: host) }
        if let key = configuration.apiKey { request.headers.add(name: "Authorization", value: "Bearer \(key)") }
        return request
    }

    /// Runs the request under the first-token, between-pieces and total deadlines.
    private func run(_ request: ChatRequest, yield: @escaping @Sendable (String) -> Void) async throws {
        let progress = Progress()
        let config = configuration
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await self.attempts(request, progress: progress, yield: yield) }
            group.addTask {
                let start = ContinuousClock.now
                let total = (start + config.totalTimeout, LLMError.timedOut("the answer took longer than \(config.totalTimeout)"))
                while true {
                    // The nearest deadline given what has arrived: the first piece's, then the next piece's.
                    var next = progress.lastPiece.map {
                        ($0 + config.interTokenTimeout, LLMError.timedOut("no next piece of the answer within \(config.interTokenTimeout)"))
                    } ?? (start + config.firstTokenTimeout, LLMError.timedOut("no first token within \(config.firstTokenTimeout)"))
                    if total.0 < next.0 { next = total }
                    if ContinuousClock.now >= next.0 { throw next.1 }
                    try await Task.sleep(until: next.0, clock: .continuous)
                }
            }
            try await group.next()
            group.cancelAll()
        }
    }

    private func attempts(_ request: ChatRequest, progress: Progress, yield: @escaping @Sendable (String) -> Void) async throws {
        var attempt = 0
        while true {
            do {
                try await once(request, progress: progress, yield: yield)
                return
            } catch let error as LLMError {
                guard case .unavailable = error, !progress.started, attempt < configuration.maxRetries else { throw error }
                attempt += 1
                try await Task.sleep(for: .milliseconds(200 * (1 << attempt)))
            }
        }
    }

    private func once(_ request: ChatRequest, progress: Progress, yield: @Sendable (String) -> Void) async throws {
        var http = try self.request("chat/completions")
        http.method = .POST
        http.headers.add(name: "Content-Type", value: "application/json")
        http.headers.add(name: "Accept", value: "text/event-stream")
        http.body = .bytes(ByteBuffer(bytes: try body(request)))
        let response: HTTPClientResponse
        do {
            response = try await self.http.execute(http, timeout: .seconds(Int64(configuration.totalTimeout.components.seconds) + 1))
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            throw LLMError.unavailable(String(describing: error))
        }
        if (300..<400).contains(Int(response.status.code)) {
            let location = response.headers.first(name: "Location").map { " to \($0)" } ?? ""
            throw LLMError.refused("""
                the model server answered HTTP \(response.status.code), a redirect\(location): redirects are never \
                followed for a model server, so the request was not sent anywhere else
                """)
        }
        guard response.status == .ok else {
            let text = String(buffer: try await response.body.collect(upTo: 64 * 1024))
            let message = "HTTP \(response.status.code): \(text.prefix(300))"
            if response.status == .tooManyRequests || response.status.code >= 500 { throw LLMError.unavailable(message) }
            throw LLMError.badResponse(message)
        }
        var parser = ServerSentEventParser()
        var events: [String] = []
        do {
            for try await buffer in response.body {
                events = parser.feed(buffer.readableBytesView)
                if try handle(events, progress: progress, yield: yield) { return }
            }
        } catch let error as LLMError {
            throw error
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            throw progress.started ? LLMError.badResponse("stream broke: \(error)") : LLMError.unavailable(String(describing: error))
        }
        if let last = parser.finish(), try handle([last], progress: progress, yield: yield) { return }
        guard progress.started else { throw LLMError.badResponse("the stream ended without an answer") }
    }

    /// Yields the content of each event; true once the stream says it is done.
    private func handle(_ events: [String], progress: Progress, yield: @Sendable (String) -> Void) throws -> Bool {
        for event in events {
            if event == "[DONE]" { return true }
            guard let chunk = try? JSONDecoder().decode(StreamChunk.self, from: Data(event.utf8)) else {
                throw LLMError.badResponse("not a chat completion chunk: \(event.prefix(200))")
            }
            if let message = chunk.error?.message { throw LLMError.badResponse(message) }
            for choice in chunk.choices ?? [] {
                if let piece = choice.delta?.content, !piece.isEmpty {
                    progress.markPiece()
                    yield(piece)
                }
            }
        }
        return false
    }

    private func body(_ request: ChatRequest) throws -> Data {
        var object: [String: Any] = [
            "model": configuration.model,
            "messages": request.messages.map { ["role": $0.role.rawValue, "content": $0.content] },
            "max_tokens": request.maxTokens,
            "temperature": request.temperature,
            "stream": true,
        ]
        if !request.stop.isEmpty { object["stop"] = request.stop }
        if let seed = request.seed { object["seed"] = seed }
        if configuration.sendsGrammar, let grammar = request.grammar {
            object["grammar"] = grammar
            object["cache_prompt"] = true
        }
        return try JSONSerialization.data(withJSONObject: object)
    }

    private struct StreamChunk: Decodable {
        struct Choice: Decodable {
            struct Delta: Decodable { var content: String? }
            var delta: Delta?
        }
        struct ErrorBody: Decodable { var message: String? }
        var choices: [Choice]?
        var error: ErrorBody?
    }

    /// When the last piece of text arrived, if any (shared by the request and its watchdog).
    private final class Progress: @unchecked Sendable {
        private let lock = NSLock()
        private var last: ContinuousClock.Instant?
        var started: Bool { lastPiece != nil }
        var lastPiece: ContinuousClock.Instant? { lock.withLock { last } }
        func markPiece() { lock.withLock { last = .now } }
    }
}

extension HTTPClient {
    /// The client for model servers: a refused connection fails at once (our own retries apply), connecting
    /// takes at most two seconds, and a redirect is never followed (the answer is returned, and refused). Lives
    /// as long as the process.
    public static let modelServers: HTTPClient = {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.timeout.connect = .seconds(2)
        configuration.redirectConfiguration = .disallow
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }()
}
