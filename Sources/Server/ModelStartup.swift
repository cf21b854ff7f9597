import LLM
import NIOConcurrencyHelpers
import ServiceLifecycle

/// Brings the model up after the API listens, so a slow or stalled model server never holds up start-up: starts
/// the supervised llama-server (when this process runs one), then sends the prompt's fixed prefix once (bounded
/// by the client's deadlines). Until that is done `/readyz` reports the model as starting, with what it waits for.
/// When the application shuts down (SIGINT/SIGTERM), after the HTTP server has drained, it stops the server.
public final class ModelStartup: Service, Sendable {
    /// Where bringing the model up stands.
    public enum State: Sendable, Equatable {
        /// Still starting: what it is waiting for.
        case starting(String)
        /// Done (whether the model answers now is the readiness probe's to ask).
        case started
        /// The supervised llama-server could not be started: why.
        case failed(String)
    }

    public let server: LlamaServer?
    private let warmUp: @Sendable () async -> Void
    private let current = NIOLockedValueBox(State.starting("the model server has not been started yet"))

    /// `server`: the llama-server to start and stop (nil for a configured endpoint); `warmUp`: the first request.
    public init(server: LlamaServer?, warmUp: @escaping @Sendable () async -> Void) {
        self.server = server
        self.warmUp = warmUp
    }

    public var state: State { current.withLockedValue { $0 } }

    private func set(_ state: State) { current.withLockedValue { $0 = state } }

    public func run() async throws {
        let bringUp = Task {
            if let server {
                set(.starting("llama-server is loading the model"))
                do { try await server.start() } catch {
                    set(.failed("llama-server did not start: \(error)"))
                    return
                }
            }
            set(.starting("warming up the model (the first request)"))
            await warmUp()
            set(.started)
        }
        try? await gracefulShutdown()
        bringUp.cancel()
        await bringUp.value
        await server?.stop()
    }
}
