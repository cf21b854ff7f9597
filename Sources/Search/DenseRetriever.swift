import Domain
import Store

/// Computes the vectors that chunks or tickets lack, in batches; run after every ingest (safe to run any time).
public struct EmbeddingIndexer: Sendable {
    public let store: any EmbeddingStore
    public let embedder: any TextEmbedder
    public var batchSize: Int

    public init(store: any EmbeddingStore, embedder: any TextEmbedder, batchSize: Int = 128) {
        self.store = store
        self.embedder = embedder
        self.batchSize = batchSize
    }

    /// Embeds every item of this kind without a vector of this model; returns how many were embedded.
    @discardableResult
    public func indexMissing(_ kind: EmbeddedKind, progress: (@Sendable (Int) -> Void)? = nil) async throws -> Int {
        var done = 0
        while true {
            let pending = try await store.itemsNeedingEmbedding(kind, model: embedder.identity.key, limit: batchSize)
            guard !pending.isEmpty else { return done }
            let vectors = try await embedder.embedOffPool(pending.map(\.text))
            // Stored vectors are keyed by model: one of another width would break every index built from them.
            for vector in vectors {
                try EmbeddingDimensionError.check(vector, expected: embedder.dimension, context: "the store's \(embedder.identity.key) vectors")
            }
            try await store.saveEmbeddings(kind, zip(pending, vectors).map { ($0.id, $1) }, model: embedder.identity.key)
            done += pending.count
            progress?(done)
        }
    }
}

/// Semantic search: the query's embedding against the chunk vectors of the embedder's model (`nearest`: in the
/// embedded store an exact scan in memory, kept current from the change feed).
public struct DenseRetriever: Retriever {
    public let store: any SearchStore
    public let embedder: any TextEmbedder
    public var name: String { "dense" }

    public init(store: any SearchStore, embedder: any TextEmbedder) {
        self.store = store
        self.embedder = embedder
    }

    public func search(_ query: String, k: Int, filter: SearchFilter) async throws -> [SearchHit] {
        guard let vector = try embedder.embed([query]).first else { return [] }
        let ranked = try await store.nearest(.chunk, to: vector, model: embedder.identity.key, k: k,
                                             filter: NearestFilter(category: filter.category))
        let hits = try await store.chunkHits(ids: ranked.map(\.id))
        return ranked.compactMap { neighbor in
            hits[neighbor.id].map { var hit = $0; hit.score = Double(neighbor.similarity); return hit }
        }
    }
}

/// Keyword and dense search run concurrently, their candidates fused.
public struct HybridRetriever: Retriever {
    public let keyword: any Retriever
    public let dense: DenseRetriever
    public var fusion: Fusion
    /// Candidates taken from each side before fusing.
    public var depth: Int

    public init(keyword: any Retriever, dense: DenseRetriever, fusion: Fusion, depth: Int = 50) {
        self.keyword = keyword
        self.dense = dense
        self.fusion = fusion
        self.depth = depth
    }

    public var name: String {
        switch fusion {
        case .reciprocalRank: "hybrid-rrf"
        case .convex(let weight): "hybrid-convex(\(weight))"
        }
    }

    public func search(_ query: String, k: Int, filter: SearchFilter) async throws -> [SearchHit] {
        let n = max(k, depth)
        async let keywordHits = keyword.search(query, k: n, filter: filter)
        async let denseHits = dense.search(query, k: n, filter: filter)
        let (kw, dn) = try await (keywordHits, denseHits)
        return Self.fuse(keyword: kw, dense: dn, fusion: fusion, k: k)
    }

    /// Fuses two hit lists (exposed so evaluation can re-fuse cached candidates with other weights).
    public static func fuse(keyword: [SearchHit], dense: [SearchHit], fusion: Fusion, k: Int) -> [SearchHit] {
        var byID: [Int64: SearchHit] = [:]
        for hit in keyword + dense where byID[hit.chunkID] == nil { byID[hit.chunkID] = hit }
        let fused = fusion.fuse(keyword: keyword.map { ($0.chunkID, $0.score) }, dense: dense.map { ($0.chunkID, $0.score) })
        return fused.prefix(k).map { key, score in
            var hit = byID[key]!
            hit.score = score
            return hit
        }
    }
}
