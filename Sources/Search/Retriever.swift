import Domain
import Store

/// What search reads: tickets, the knowledge base, their vectors (nearest neighbours) and the change feed.
public typealias SearchStore = TicketStore & KnowledgeBaseStore & EmbeddingStore & ChangeFeed

/// Restricts a search to part of the corpus.
public struct SearchFilter: Sendable, Equatable {
    public var category: String?

    public init(category: String? = nil) {
        self.category = category
    }
}

/// A retrieved KB chunk with the retriever's score (higher is better; scales differ between retrievers).
public typealias SearchHit = ChunkHit

/// Finds the KB chunks that best answer a query.
public protocol Retriever: Sendable {
    /// The mode's name in reports: `bm25`, `dense`, `hybrid`...
    var name: String { get }
    func search(_ query: String, k: Int, filter: SearchFilter) async throws -> [SearchHit]
}

/// BM25 over the store's full-text index (SQLite FTS5 in the embedded store).
public struct KeywordRetriever: Retriever {
    public let store: any SearchStore
    public var name: String { "bm25-fts" }

    public init(store: any SearchStore) {
        self.store = store
    }

    public func search(_ query: String, k: Int, filter: SearchFilter) async throws -> [SearchHit] {
        try await store.searchChunks(query, limit: k, category: filter.category)
    }
}
