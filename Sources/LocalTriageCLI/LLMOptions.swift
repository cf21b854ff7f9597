import ArgumentParser
import Drafting
import Foundation
import LLM

extension DraftOptions.ModelRole: ExpressibleByArgument {}

/// Which chat model drafts: a configured OpenAI-compatible endpoint, or the embedded llama-server started and
/// supervised for the command's lifetime.
struct LLMOptions: ParsableArguments {
    @Option(help: "OpenAI-compatible API root, e.g. http://127.0.0.1:11434/v1 (env LOCALTRIAGE_LLM_ENDPOINT). Default: start the embedded llama-server.")
    var llmEndpoint: String?
    @Option(help: "Model name sent to the endpoint (env LOCALTRIAGE_LLM_MODEL).") var llmModel: String?
    @Option(help: "A private-network host (10/8, 172.16/12, 192.168/16) the endpoint may be on; repeatable.")
    var allowLlmHost: [String] = []
    @Flag(help: "Allow an endpoint that is not on this machine or a named private host (ticket text leaves the machine).")
    var allowRemoteLlm = false
    @Option(help: "Seconds to wait for the model's first token before falling back.") var firstTokenTimeout = 20.0
    @Option(help: "Seconds to wait for each next piece of the model's answer before falling back (a stall mid-answer).")
    var interTokenTimeout = 10.0
    @Option(help: "Seconds the model may take for a whole draft.") var llmTimeout = 120.0
    @Option(help: "Threads for the embedded llama-server (at most the cores).")
    var llmThreads = ProcessInfo.processInfo.activeProcessorCount
    @Flag(help: "Use no model: drafts from approved answers and the knowledge base only.") var noLlm = false
    @Option(help: """
        What the model writes: body (the reply from the same sources, verified; the composed draft when it fails) or \
        none. Default: body with an endpoint; none with the embedded Gemma 3 270M, whose drafts measured below the \
        composed ones (README), so it is not started.
        """)
    var modelWrites: DraftOptions.ModelRole?

    /// Whether an endpoint is configured (by flag or environment) rather than the embedded model.
    var endpointConfigured: Bool { llmEndpoint != nil || ProcessInfo.processInfo.environment["LOCALTRIAGE_LLM_ENDPOINT"] != nil }

    /// What the model writes, after the defaults.
    var modelRole: DraftOptions.ModelRole { noLlm ? .none : modelWrites ?? (endpointConfigured ? .body : .none) }

    /// The chat model, and what to call when done (stops a server this command started, also on Ctrl-C).
    func start(home: URL) async throws -> (model: (any ChatModel)?, stop: @Sendable () async -> Void) {
        let started = try await launch(home: home)
        if let server = started.server { StopOnSignal.install { await server.stop() } }
        return (started.model, { await started.server?.stop() })
    }

    /// The chat model and, when this command started one, the supervised llama-server (its owner stops it).
    func launch(home: URL) async throws -> (model: (any ChatModel)?, server: LlamaServer?) {
        let prepared = try await prepare(home: home)
        if let server = prepared.server {
            Report.note("starting llama-server (\(server.options.model.lastPathComponent), \(server.options.threads) threads)…")
            try await server.start()
        }
        return prepared
    }

    /// The chat model and, for the embedded model, its llama-server not yet started (the caller starts it; the
    /// client already knows its address).
    func prepare(home: URL) async throws -> (model: (any ChatModel)?, server: LlamaServer?) {
        if modelRole == .none { return (nil, nil) }
        let env = ProcessInfo.processInfo.environment
        let egress = EgressPolicy(allowedPrivateHosts: Set(allowLlmHost.map { $0.lowercased() }), allowRemote: allowRemoteLlm)
        func configuration(_ url: URL, model: String, grammar: Bool) -> LLMConfiguration {
            LLMConfiguration(baseURL: url, model: model, apiKey: env["LOCALTRIAGE_LLM_API_KEY"],
                             firstTokenTimeout: .milliseconds(Int(firstTokenTimeout * 1000)),
                             interTokenTimeout: .milliseconds(Int(interTokenTimeout * 1000)),
                             totalTimeout: .milliseconds(Int(llmTimeout * 1000)), sendsGrammar: grammar, egress: egress)
        }
        if let endpoint = llmEndpoint ?? env["LOCALTRIAGE_LLM_ENDPOINT"] {
            guard let url = URL(string: endpoint) else { throw ValidationError("--llm-endpoint is not a URL") }
            let model = llmModel ?? env["LOCALTRIAGE_LLM_MODEL"] ?? "local"
            // Not the embedded server: personal data leaves as placeholders, and the reply is restored here.
            return (RedactingChatModel(try OpenAICompatibleClient(configuration(url, model: model, grammar: false))), nil)
        }
        var options = try LlamaServerOptions.installed(root: Self.checkoutRoot())
        options.threads = max(1, min(llmThreads, ProcessInfo.processInfo.activeProcessorCount))
        options.logFile = home.appendingPathComponent("logs/llama-server.log")
        options.pidDirectory = home.appendingPathComponent("logs")
        let server = LlamaServer(options: options)
        let url = try await server.endpoint()
        return (try OpenAICompatibleClient(configuration(url, model: server.modelName, grammar: true)), server)
    }

    /// The folder holding `.venv`: the current one, or the checkout this binary was built in.
    static func checkoutRoot() -> URL {
        let cwd = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        if FileManager.default.fileExists(atPath: cwd.appendingPathComponent(".venv/bin/llama-server").path) { return cwd }
        var folder = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<6 {
            if FileManager.default.fileExists(atPath: folder.appendingPathComponent(".venv/bin/llama-server").path) { return folder }
            folder.deleteLastPathComponent()
        }
        return cwd
    }
}

/// Stops the supervised model server when the command is interrupted (Ctrl-C, SIGTERM), then exits.
enum StopOnSignal {
    nonisolated(unsafe) private static var sources: [DispatchSourceSignal] = []

    static func install(_ stop: @escaping @Sendable () async -> Void) {
        for signo in [SIGINT, SIGTERM] {
            signal(signo, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signo, queue: .global())
            source.setEventHandler {
                Task {
                    await stop()
                    exit(128 + signo)
                }
            }
            source.resume()
            sources.append(source)
        }
    }
}
