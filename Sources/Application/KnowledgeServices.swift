import Domain
import Drafting
import LLM
import Search
import Store

/// The search stack over a store, built once and shared: the knowledge base's retrievers, similar resolved
/// tickets and the approved answers (each following the store when refreshed), with the claim detector; and the
/// work built on them — drafting and answer mining. The server, `draft`, `answers mine` and `eval drafts` all
/// start here.
public struct KnowledgeServices: Sendable {
    public let store: any DraftingStore
    public let embedder: any TextEmbedder
    public let knowledgeBase: LiveKnowledgeBase
    public let similar: SimilarTickets
    public let answers: AnswerLibrary
    public let claims: ClaimDetector

    /// Builds the indexes, embedding what has no vector yet. `fusion` fixes the hybrid blend (else the one
    /// chosen for the knowledge base, `SearchTuner`).
    public init(store: any DraftingStore, embedder: any TextEmbedder, fusion: Fusion? = nil) async throws {
        self.store = store
        self.embedder = embedder
        knowledgeBase = try await LiveKnowledgeBase(store: store, embedder: embedder, fusion: fusion)
        similar = try await SimilarTickets(store: store, embedder: embedder)
        answers = try await AnswerLibrary(store: store, model: embedder.identity.key)
        claims = try await offPool { try ClaimDetector.shared(embedder: embedder) }
    }

    /// The knowledge base's hybrid retriever (the one drafting and mining use).
    public var hybrid: any Retriever { knowledgeBase.retrievers["hybrid"]! }

    /// A draft pipeline over these indexes; `model` writes the body when given.
    public func draftingPipeline(model: (any ChatModel)?, options: DraftOptions = DraftOptions()) -> DraftingPipeline {
        DraftingPipeline(retriever: hybrid, similar: similar, embedder: embedder, model: model, store: store,
                         answers: answers, claims: claims, options: options)
    }

    /// Mines the store's resolved tickets into candidate answers and saves them with the calibration (audited as
    /// `actor`); a claim stays in an answer when the knowledge base backs it. `configure` adjusts the miner.
    public func mineAnswers(actor: String, configure: (inout AnswerMiner) -> Void = { _ in }) async throws
        -> (summary: MinedAnswersSummary, result: AnswerMiner.Result) {
        var miner = AnswerMiner(embedder: embedder, claims: claims)
        configure(&miner)
        return try await miner.mine(store: store, knowledgeBase: hybrid, actor: actor)
    }
}
