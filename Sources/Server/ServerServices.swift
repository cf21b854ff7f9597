import Application
import Domain
import Drafting
import Foundation
import Lifecycle
import LLM
import NIOConcurrencyHelpers
import Routing
import Search
import Store

/// Everything the API's handlers use, built once at start; the indexes inside follow the store (`IndexRefresher`).
public struct ServerServices: Sendable {
    public var store: any StoreBackend
    /// The search stack: knowledge base, similar tickets, approved answers, followed while the server runs
    /// (`IndexRefresher`).
    public let knowledge: KnowledgeServices
    public var embedder: any TextEmbedder { knowledge.embedder }
    /// Shares encoder batches between concurrent requests (triage).
    public var batcher: EmbeddingBatcher
    public var knowledgeBase: LiveKnowledgeBase { knowledge.knowledgeBase }
    /// Retrievers by mode: `hybrid`, `bm25`, `dense`.
    public let retrievers: [String: any Retriever]
    public var similar: SimilarTickets { knowledge.similar }
    public var answers: AnswerLibrary { knowledge.answers }
    public var drafting: DraftingPipeline
    public var routers: RouterProvider
    /// Triage and its records (predictions, shadow decisions).
    public var triage: TriageService
    /// Whether the model server answers (the supervised llama-server's health, or the endpoint's).
    public var modelReady: @Sendable () async -> Bool
    /// Bringing the model up in the background (`serve`), when it is under way; `/readyz` reports it.
    public var modelStartup: ModelStartup?
    /// Throws when the store does not answer a query.
    public var storeReady: @Sendable () async throws -> Void
    /// Failed writes as requests found them, and the free space where the store lives (`/readyz`).
    public let storage = StorageHealth()
    public var metrics: ServerMetrics

    public init(store: any StoreBackend, knowledge: KnowledgeServices, drafting: DraftingPipeline, routers: RouterProvider,
                modelReady: @escaping @Sendable () async -> Bool, metrics: ServerMetrics = ServerMetrics()) {
        self.store = store
        self.knowledge = knowledge
        self.batcher = EmbeddingBatcher(embedder: knowledge.embedder)
        self.retrievers = knowledge.knowledgeBase.retrievers
        self.drafting = drafting
        self.routers = routers
        let batcher = self.batcher
        self.triage = TriageService(store: store, embed: { texts in
            var vectors: [[Float]] = []
            for text in texts { vectors.append(try await batcher.embed(text)) }
            return vectors
        }, shadowOutcome: { metrics.shadow($0.rawValue) })
        self.modelReady = modelReady
        self.storeReady = { try await store.ping() }
        self.metrics = metrics
    }

    /// Builds the retrievers, similar-ticket index, answer library and draft pipeline over a store.
    public static func build(store: any StoreBackend, embedder: any TextEmbedder, model: (any ChatModel)?, home: URL,
                             draftOptions: DraftOptions = DraftOptions(),
                             modelReady: @escaping @Sendable () async -> Bool) async throws -> ServerServices {
        let knowledge = try await KnowledgeServices(store: store, embedder: embedder)
        return ServerServices(store: store, knowledge: knowledge,
                              drafting: knowledge.draftingPipeline(model: model, options: draftOptions),
                              routers: RouterProvider(store: store, home: home, embedder: embedder.identity),
                              modelReady: modelReady)
    }
}
