import LLM
import ServiceLifecycle

/// The supervised llama-server as a service of the application: started before the server listens, stopped
/// when the application shuts down (SIGINT/SIGTERM), after the HTTP server has drained.
public struct ManagedModelServer: Service {
    public let server: LlamaServer

    public init(server: LlamaServer) {
        self.server = server
    }

    public func run() async throws {
        try? await gracefulShutdown()
        await server.stop()
    }
}
