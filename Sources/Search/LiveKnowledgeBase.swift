import Domain
import NIOConcurrencyHelpers
import Store

/// The knowledge-base retrievers of a long-running process — in-memory BM25, dense and their hybrid. The BM25
/// index is rebuilt by `refresh()` once articles ingested meanwhile (by the CLI or another replica) have settled
/// (searches keep using the previous one meanwhile); dense search asks the store, which follows every change
/// itself (`EmbeddingStore.nearest`). Unless a fusion is fixed, each build takes the hybrid
/// blend chosen for the KB as it is (`SearchTuner`: recorded in the store under the KB's digest, so a restart
/// over an unchanged KB reuses it, and a changed KB gets a new choice).
public struct LiveKnowledgeBase: Sendable {
    public let store: any SearchStore
    public let embedder: any TextEmbedder
    /// The fusion given at creation; nil: chosen per KB state by `tuner`.
    public let fixedFusion: Fusion?
    public let tuner: SearchTuner
    private let state: NIOLockedValueBox<State>

    private struct State {
        var built: Built
        /// The change-feed position seen by the previous `refresh()`: rebuilding waits until it stops moving (an
        /// ingest ended).
        var lastSeen: Int64
    }

    private struct Built {
        var keyword: MemoryKeywordRetriever
        var dense: DenseRetriever
        /// The change-feed position the build read.
        var sequence: Int64
        var fusion: Fusion
        var settings: SearchSettings?
    }

    /// Builds the indexes from the store, embedding chunks that have no vector yet. `fusion` fixes the hybrid
    /// blend; without it the blend is the one chosen for the KB (`SearchTuner`).
    public init(store: any SearchStore, embedder: any TextEmbedder, fusion: Fusion? = nil,
                tuner: SearchTuner = SearchTuner()) async throws {
        self.store = store
        self.embedder = embedder
        self.fixedFusion = fusion
        self.tuner = tuner
        let built = try await Self.build(store: store, embedder: embedder, fusion: fusion, tuner: tuner)
        state = NIOLockedValueBox(State(built: built, lastSeen: built.sequence))
    }

    /// How the hybrid mode fuses keyword and dense results now.
    public var fusion: Fusion { state.withLockedValue { $0.built.fusion } }

    /// The settings chosen for the KB as currently indexed (nil when the fusion is fixed).
    public var searchSettings: SearchSettings? { state.withLockedValue { $0.built.settings } }

    /// The retrievers by mode (`bm25`, `dense`, `hybrid`), each searching the indexes current at the time.
    public var retrievers: [String: any Retriever] {
        Dictionary(uniqueKeysWithValues: Mode.allCases.map { ($0.rawValue, Live(base: self, mode: $0) as any Retriever) })
    }

    /// Chunks in the indexes.
    public var indexedChunks: Int { state.withLockedValue { $0.built.keyword.index.count } }

    /// Rebuilds the indexes when the knowledge base changed since they were built and has not changed since the
    /// previous call (so an ingest in progress is not indexed again and again). Returns whether it rebuilt.
    @discardableResult
    public func refresh() async throws -> Bool {
        let sequence = try await store.latestChange(.chunk)
        let settled = state.withLockedValue { state in
            defer { state.lastSeen = sequence }
            return sequence != state.built.sequence && sequence == state.lastSeen
        }
        guard settled else { return false }
        let fresh = try await Self.build(store: store, embedder: embedder, fusion: fixedFusion, tuner: tuner)
        state.withLockedValue { $0.built = fresh }
        return true
    }

    private static func build(store: any SearchStore, embedder: any TextEmbedder, fusion: Fusion?,
                              tuner: SearchTuner) async throws -> Built {
        try await EmbeddingIndexer(store: store, embedder: embedder).indexMissing(.chunk)
        // Read first: a change made during the build leaves a newer position, built by a later refresh.
        let sequence = try await store.latestChange(.chunk)
        let chunks = try await store.indexableChunks()
        let keyword = MemoryKeywordRetriever(store: store, chunks: chunks)
        let dense = DenseRetriever(store: store, embedder: embedder)
        if let fusion {
            return Built(keyword: keyword, dense: dense, sequence: sequence, fusion: fusion, settings: nil)
        }
        let settings = try await tuner.settings(
            keyword: keyword, dense: dense, kbHash: SearchTuner.kbHash(texts: chunks.map(\.text), model: embedder.identity.key))
        return Built(keyword: keyword, dense: dense, sequence: sequence, fusion: settings.fusion, settings: settings)
    }

    private enum Mode: String, CaseIterable {
        case bm25, dense, hybrid
    }

    private struct Live: Retriever {
        let base: LiveKnowledgeBase
        let mode: Mode
        var name: String { mode.rawValue }

        func search(_ query: String, k: Int, filter: SearchFilter) async throws -> [SearchHit] {
            let built = base.state.withLockedValue { $0.built }
            return switch mode {
            case .bm25: try await built.keyword.search(query, k: k, filter: filter)
            case .dense: try await built.dense.search(query, k: k, filter: filter)
            case .hybrid: try await HybridRetriever(keyword: built.keyword, dense: built.dense, fusion: built.fusion)
                .search(query, k: k, filter: filter)
            }
        }
    }
}
