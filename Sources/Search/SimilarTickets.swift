import Domain
import NIOConcurrencyHelpers
import Store

/// Finds past tickets like a new one — by default only resolved ones, whose resolutions can inform a reply.
/// Keyword search over subject, body and resolution, fused (RRF) with a dense scan of ticket vectors when an
/// embedder is available. Keyword search reads the store, so it sees every ticket at once; the vectors are held in
/// memory and follow the store through `refresh()`.
public struct SimilarTickets: Sendable {
    public let store: any TriageStore
    private let embedder: (any TextEmbedder)?
    /// The ticket vectors in memory, replaced whole by a refresh while searches read the previous copy.
    private let loaded: NIOLockedValueBox<Loaded>?

    private struct Loaded {
        var index: VectorIndex
        var resolved: Set<Int64> = []
        /// The store's ticket generation when loaded; nil before the first load.
        var generation: Int?
    }

    public init(store: any TriageStore, embedder: (any TextEmbedder)?) async throws {
        self.store = store
        self.embedder = embedder
        loaded = embedder.map { NIOLockedValueBox(Loaded(index: VectorIndex(dimension: $0.dimension))) }
        try await refresh()
    }

    /// How many tickets the dense scan covers.
    public var indexedTickets: Int { loaded?.withLockedValue { $0.index.count } ?? 0 }

    /// Brings the vectors up to date when the store's tickets changed since the last load (a ticket added or
    /// changed by anyone: the API, the CLI, another replica): embeds the tickets without a vector, then reloads
    /// them all. One cheap query when nothing changed. Returns whether it reloaded.
    @discardableResult
    public func refresh() async throws -> Bool {
        guard let embedder, let loaded else { return false }
        guard try await store.generation(.ticket) != loaded.withLockedValue(\.generation) else { return false }
        try await EmbeddingIndexer(store: store, embedder: embedder).indexMissing(.ticket)
        // Read before loading: a change made during the load leaves a newer generation, loaded by the next refresh.
        let generation = try await store.generation(.ticket)
        let stored = try await store.vectors(.ticket, model: embedder.identity.key)
        var index = VectorIndex(dimension: embedder.dimension)
        index.reserveCapacity(stored.count)
        for entry in stored { try index.add(id: entry.id, vector: entry.vector) }
        let fresh = Loaded(index: index, resolved: Set(stored.filter(\.resolved).map(\.id)), generation: generation)
        loaded.withLockedValue { $0 = fresh }
        return true
    }

    public func similar(to text: String, k: Int, resolvedOnly: Bool = true, depth: Int = 50) async throws -> [TicketHit] {
        let n = max(k, depth)
        let keyword = try await store.searchTickets(text, limit: n, resolvedOnly: resolvedOnly)
        guard let embedder, let loaded = loaded?.withLockedValue({ $0 }), let vector = try embedder.embed([text]).first else {
            return Array(keyword.prefix(k))
        }
        let dense = try loaded.index.search(vector, k: n, allowed: resolvedOnly ? { loaded.resolved.contains($0) } : nil)
        let fused = Fusion.reciprocalRank(k: 60).fuse(
            keyword: keyword.map { ($0.ticketID, $0.score) }, dense: dense.map { ($0.id, Double($0.score)) })
            .prefix(k)
        var byID = Dictionary(keyword.map { ($0.ticketID, $0) }, uniquingKeysWith: { a, _ in a })
        let missing = fused.map(\.key).filter { byID[$0] == nil }
        for (id, hit) in try await store.ticketHits(ids: missing) { byID[id] = hit }
        return fused.compactMap { id, score in byID[id].map { var hit = $0; hit.score = score; return hit } }
    }
}

