import Domain
import NIOConcurrencyHelpers
import Store

/// Finds past tickets like a new one — by default only resolved ones, whose resolutions can inform a reply.
/// Keyword search over subject, body and resolution, fused (RRF) with the nearest ticket vectors when an embedder
/// is available. Both read the store, so they see every ticket stored by anyone; `refresh()` embeds the tickets
/// that have no vector yet.
public struct SimilarTickets: Sendable {
    public let store: any SearchStore
    private let embedder: (any TextEmbedder)?
    /// The ticket change-feed position of the last `refresh()`.
    private let refreshed = NIOLockedValueBox<Int64?>(nil)

    public init(store: any SearchStore, embedder: (any TextEmbedder)?) async throws {
        self.store = store
        self.embedder = embedder
        try await refresh()
    }

    /// Embeds the tickets without a vector when tickets changed since the last call (a ticket added or changed by
    /// anyone: the API, the CLI, another replica). One cheap query when nothing changed. Returns how many it
    /// embedded.
    @discardableResult
    public func refresh() async throws -> Int {
        guard let embedder else { return 0 }
        // Read first: a change made meanwhile is seen by the next call.
        let sequence = try await store.latestChange(.ticket)
        guard sequence != refreshed.withLockedValue({ $0 }) else { return 0 }
        let embedded = try await EmbeddingIndexer(store: store, embedder: embedder).indexMissing(.ticket)
        refreshed.withLockedValue { $0 = sequence }
        return embedded
    }

    public func similar(to text: String, k: Int, resolvedOnly: Bool = true, depth: Int = 50) async throws -> [TicketHit] {
        let n = max(k, depth)
        let keyword = try await store.searchTickets(text, limit: n, resolvedOnly: resolvedOnly)
        guard let embedder, let vector = try embedder.embed([text]).first else { return Array(keyword.prefix(k)) }
        let dense = try await store.nearest(.ticket, to: vector, model: embedder.identity.key, k: n,
                                            filter: NearestFilter(resolvedOnly: resolvedOnly))
        let fused = Fusion.reciprocalRank(k: 60).fuse(
            keyword: keyword.map { ($0.ticketID, $0.score) }, dense: dense.map { ($0.id, Double($0.similarity)) })
            .prefix(k)
        var byID = Dictionary(keyword.map { ($0.ticketID, $0) }, uniquingKeysWith: { a, _ in a })
        let missing = fused.map(\.key).filter { byID[$0] == nil }
        for (id, hit) in try await store.ticketHits(ids: missing) { byID[id] = hit }
        return fused.compactMap { id, score in byID[id].map { var hit = $0; hit.score = score; return hit } }
    }
}

