import Domain
import Store

/// Finds past tickets like a new one — by default only resolved ones, whose resolutions can inform a reply.
/// Keyword search over subject, body and resolution, fused (RRF) with a dense scan of ticket vectors when an
/// embedder is available.
public struct SimilarTickets: Sendable {
    public let store: any TriageStore
    private let embedder: (any TextEmbedder)?
    private let index: VectorIndex?
    private let resolved: Set<Int64>

    public init(store: any TriageStore, embedder: (any TextEmbedder)?) async throws {
        self.store = store
        self.embedder = embedder
        guard let embedder else {
            index = nil
            resolved = []
            return
        }
        let vectors = try await store.vectors(.ticket, model: embedder.modelName)
        var index = VectorIndex(dimension: embedder.dimension)
        index.reserveCapacity(vectors.count)
        for entry in vectors { index.add(id: entry.id, vector: entry.vector) }
        self.index = index
        resolved = Set(vectors.filter(\.resolved).map(\.id))
    }

    public func similar(to text: String, k: Int, resolvedOnly: Bool = true, depth: Int = 50) async throws -> [TicketHit] {
        let n = max(k, depth)
        let keyword = try await store.searchTickets(text, limit: n, resolvedOnly: resolvedOnly)
        guard let embedder, let index, let vector = try embedder.embed([text]).first else {
            return Array(keyword.prefix(k))
        }
        let dense = index.search(vector, k: n, allowed: resolvedOnly ? { resolved.contains($0) } : nil)
        let fused = Fusion.reciprocalRank(k: 60).fuse(
            keyword: keyword.map { ($0.ticketID, $0.score) }, dense: dense.map { ($0.id, Double($0.score)) })
            .prefix(k)
        var byID = Dictionary(keyword.map { ($0.ticketID, $0) }, uniquingKeysWith: { a, _ in a })
        let missing = fused.map(\.key).filter { byID[$0] == nil }
        for (id, hit) in try await store.ticketHits(ids: missing) { byID[id] = hit }
        return fused.compactMap { id, score in byID[id].map { var hit = $0; hit.score = score; return hit } }
    }
}
