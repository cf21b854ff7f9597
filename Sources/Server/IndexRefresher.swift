import Drafting
import Logging
import Search
import ServiceLifecycle

/// Keeps the server's in-memory indexes current: every `interval` it asks the store's change feed (one row each)
/// whether tickets, the knowledge base or the approved answers changed — through this server's API, the CLI or
/// another replica — and when they did, embeds what has no vector yet and rebuilds what is held here: new tickets
/// are embedded at once; the knowledge base's keyword index is rebuilt once an ingest has settled. (Nearest-vector
/// search follows the change feed inside the store.)
public struct IndexRefresher: Service {
    public let services: ServerServices
    public let interval: Duration
    public let logger: Logger

    public init(services: ServerServices, interval: Duration = .seconds(2), logger: Logger = Logger(label: "localtriage")) {
        self.services = services
        self.interval = interval
        self.logger = logger
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
                guard !Task.isCancelled else { return }
                await refresh()
            }
        }
    }

    /// One check of both indexes.
    public func refresh() async {
        do {
            let embedded = try await services.similar.refresh()
            if embedded > 0 { logger.info("new tickets embedded", metadata: ["tickets": "\(embedded)"]) }
            if try await services.knowledgeBase.refresh() {
                logger.info("knowledge-base indexes rebuilt", metadata: ["chunks": "\(services.knowledgeBase.indexedChunks)"])
            }
            if try await services.answers.refresh() {
                logger.info("approved answers reloaded", metadata: ["answers": "\(services.answers.approvedAnswers)"])
            }
        } catch {
            logger.warning("indexes not refreshed: \(error)")
        }
    }
}
