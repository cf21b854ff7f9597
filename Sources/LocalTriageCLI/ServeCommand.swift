import ArgumentParser
import Drafting
import Foundation
import Hummingbird
import LLM
import Logging
import Search
import Server
import Store

/// `localtriage serve`: the HTTP API on the instance's store (the embedded SQLite file, or PostgreSQL by URL), with
/// in-process embeddings and a supervised llama-server.
struct ServeCommand: StoreCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the HTTP API (docs at /docs) on the instance's store, with the embedded encoder and a supervised llama-server.",
        discussion: """
            Listens on 127.0.0.1 by default. Every route except /healthz needs an API key: create one with \
            `localtriage keys create --name NAME --role metrics|agent|lead|admin`. Missing embeddings are computed before \
            the server listens. SIGINT/SIGTERM stop it gracefully, and the llama-server with it. With --store postgres://… \
            (env LOCALTRIAGE_STORE) it runs on PostgreSQL with pgvector.
            """
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var llm: LLMOptions
    @Option(help: "Address to listen on (loopback by default; anything else exposes the API to the network).") var host = "127.0.0.1"
    @Option(help: "Port to listen on.") var port = 8080
    @Option(help: "Folder of the all-MiniLM-L6-v2 files (default: found in .venv).") var model: String?

    func run(store: any StoreBackend) async throws {
        let home = try global.homeDirectory()
        let encoder = try EncoderLoader.load(explicit: model)
        for kind in EmbeddedKind.allCases {
            let done = try await EmbeddingIndexer(store: store, embedder: encoder).indexMissing(kind)
            if done > 0 { Report.note("embedded \(done) \(kind.rawValue)s") }
        }
        // The model comes up in the background (ModelStartup): a slow or stalled model server never holds up the API.
        let (chat, server) = try await llm.prepare(home: home)
        let modelReady: @Sendable () async -> Bool = {
            if let server { return await server.isReady() }
            return await (chat as? OpenAICompatibleClient)?.isReachable() ?? false
        }
        var draftOptions = DraftOptions()
        draftOptions.modelRole = llm.modelRole
        var services = try await ServerServices.build(store: store, embedder: encoder, model: chat, home: home,
                                                      draftOptions: draftOptions, modelReady: modelReady)
        let drafting = services.drafting
        let startup = ModelStartup(server: server, warmUp: { await drafting.warmUp() })
        services.modelStartup = startup
        var logger = Logger(label: "localtriage")
        logger.logLevel = .info
        let app = buildApplication(services, configuration: ServerConfiguration(host: host, port: port),
                                   lifecycle: [IndexRefresher(services: services, logger: logger), startup], logger: logger)
        Report.note("LocalTriage API on http://\(host):\(port)  (docs: /docs, health: /healthz)")
        try await app.runService()
    }
}
