import Drafting
import Logging
import Search
import ServiceLifecycle

/// Keeps the server's in-memory indexes current: every `interval` it asks the store (one row each) whether
/// tickets, the knowledge base or the approved answers changed — through this server's API, the CLI or another replica — and when they
/// did, embeds what has no vector yet and reloads. Tickets are reloaded at once; the knowledge base once an
/// ingest has settled.
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
            if try await services.similar.refresh() {
                logger.info("similar-ticket index reloaded", metadata: ["tickets": "\(services.similar.indexedTickets)"])
            }
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
