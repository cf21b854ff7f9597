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
    public var embedder: any TextEmbedder
    /// Shares encoder batches between concurrent requests (triage).
    public var batcher: EmbeddingBatcher
    /// The knowledge base's indexes, followed while the server runs (`IndexRefresher`).
    public let knowledgeBase: LiveKnowledgeBase
    /// Retrievers by mode: `hybrid`, `bm25`, `dense`.
    public let retrievers: [String: any Retriever]
    /// Similar resolved tickets, followed while the server runs (`IndexRefresher`).
    public var similar: SimilarTickets
    /// The approved answers, followed while the server runs (`IndexRefresher`).
    public var answers: AnswerLibrary
    public var drafting: DraftingPipeline
    public var routers: RouterProvider
    /// Whether the model server answers (the supervised llama-server's health, or the endpoint's).
    public var modelReady: @Sendable () async -> Bool
    /// Bringing the model up in the background (`serve`), when it is under way; `/readyz` reports it.
    public var modelStartup: ModelStartup?
    /// Throws when the store does not answer a query.
    public var storeReady: @Sendable () async throws -> Void
    /// Failed writes as requests found them, and the free space where the store lives (`/readyz`).
    public let storage = StorageHealth()
    public var metrics: ServerMetrics

    public init(store: any StoreBackend, embedder: any TextEmbedder, knowledgeBase: LiveKnowledgeBase,
                similar: SimilarTickets, answers: AnswerLibrary, drafting: DraftingPipeline, routers: RouterProvider,
                modelReady: @escaping @Sendable () async -> Bool, metrics: ServerMetrics = ServerMetrics()) {
        self.store = store
        self.embedder = embedder
        self.batcher = EmbeddingBatcher(embedder: embedder)
        self.knowledgeBase = knowledgeBase
        self.retrievers = knowledgeBase.retrievers
        self.similar = similar
        self.answers = answers
        self.drafting = drafting
        self.routers = routers
        self.modelReady = modelReady
        self.storeReady = { try await store.ping() }
        self.metrics = metrics
    }

    /// Builds the retrievers, similar-ticket index, answer library and draft pipeline over a store.
    public static func build(store: any StoreBackend, embedder: any TextEmbedder, model: (any ChatModel)?, home: URL,
                             draftOptions: DraftOptions = DraftOptions(),
                             modelReady: @escaping @Sendable () async -> Bool) async throws -> ServerServices {
        let knowledgeBase = try await LiveKnowledgeBase(store: store, embedder: embedder)
        let similar = try await SimilarTickets(store: store, embedder: embedder)
        let answers = try await AnswerLibrary(store: store, model: embedder.identity.key)
        let drafting = try await DraftingPipeline.build(store: store, embedder: embedder, model: model, options: draftOptions,
                                                        knowledgeBase: knowledgeBase, similar: similar, answers: answers)
        return ServerServices(store: store, embedder: embedder, knowledgeBase: knowledgeBase, similar: similar, answers: answers,
                              drafting: drafting, routers: RouterProvider(store: store, home: home, embedder: embedder.identity),
                              modelReady: modelReady)
    }
}

extension ServerServices {
    /// Mines the store's resolved tickets into candidate answers (with the calibration), audited as `actor`.
    public func mineAnswers(actor: String) async throws -> (summary: MinedAnswersSummary, result: AnswerMiner.Result) {
        try await AnswerMiner(embedder: embedder, claims: drafting.verifier.claims)
            .mine(store: store, knowledgeBase: retrievers["hybrid"], actor: actor)
    }
}

/// The routers that answer: the registry's champion (or, in a home without a registry, the newest artefact), and
/// the challenger scored beside it on live tickets (shadow evaluation). The aliases are read again when the last
/// read is older than `aliasLifetime`, so a promotion, rollback or new challenger made by another process (the
/// CLI, another replica) takes effect within that time, without a restart; one made through this server's API
/// takes effect on the next request (`aliasesChanged()`).
public struct RouterProvider: Sendable {
    public let home: URL
    public let registry: ModelRegistry
    /// How long a read of the aliases is trusted (busy servers would otherwise read them on every triage).
    public let aliasLifetime: Duration
    private let champion: RouterLoader
    private let challenger: RouterLoader
    private let cached = NIOLockedValueBox(Cached())

    private struct Cached {
        var routers: Routers?
        var until = ContinuousClock.now
        /// Bumped by `aliasesChanged()`: a read that began before it is not cached.
        var generation = 0
    }

    /// `embedder`, when given, is the running encoder: a router trained with another is refused with an error
    /// saying which model it needs (`RouterArtifact.Loaded.requireEmbedder`).
    public init(store: any ModelLifecycleStore, home: URL, aliasLifetime: Duration = .seconds(1),
                embedder: EmbedderIdentity? = nil) {
        self.home = home
        self.aliasLifetime = aliasLifetime
        registry = ModelRegistry(store: store, home: home)
        if let embedder {
            champion = RouterLoader(registry: registry, alias: .champion, embedder: embedder)
            challenger = RouterLoader(registry: registry, alias: .challenger, embedder: embedder)
        } else {
            champion = RouterLoader(registry: registry, alias: .champion)
            challenger = RouterLoader(registry: registry, alias: .challenger)
        }
    }

    /// A router and its version.
    public typealias Versioned = (version: String, router: Routing.Router)
    /// The champion (nil when none is trained) and the challenger (nil when none is named).
    public typealias Routers = (champion: Versioned?, challenger: Versioned?)

    /// The champion and the challenger, from one read of the aliases: a request sees both as they were at one
    /// moment.
    public func current() async throws -> Routers {
        let now = ContinuousClock.now
        let (hit, generation) = cached.withLockedValue { ($0.until > now ? $0.routers : nil, $0.generation) }
        if let hit { return hit }
        let aliases = try await registry.aliases()
        let champion = try await self.champion.load(aliases: aliases), challenger = try await self.challenger.load(aliases: aliases)
        let routers: Routers = (champion.map { ($0.version, $0.router) }, challenger.map { ($0.version, $0.router) })
        cached.withLockedValue { if $0.generation == generation { ($0.routers, $0.until) = (routers, now + aliasLifetime) } }
        return routers
    }

    /// Forgets the last read of the aliases: the next request reads them again (after a move made here).
    public func aliasesChanged() {
        cached.withLockedValue { $0 = Cached(generation: $0.generation + 1) }
    }

    /// Every saved version, oldest first.
    public func versions() -> [String] { RouterArtifact.versions(home: home) }
}
