import Domain
import Foundation

/// Knowledge-base articles and their chunks, keyword search over them, and the search settings chosen for them.
public protocol KnowledgeBaseStore: Sendable {
    func article(externalID: String) async throws -> StoredArticle?
    func chunks(articleExternalID: String) async throws -> [Chunk]
    /// Keyword search over chunks, best first.
    func searchChunks(_ query: String, limit: Int, category: String?) async throws -> [ChunkHit]
    /// Every chunk's row id, article category and indexable text (heading path, then text), for in-memory indexes.
    func indexableChunks() async throws -> [(id: Int64, category: String?, text: String)]
    /// Chunks by row id, with their article.
    func chunkHits(ids: [Int64]) async throws -> [Int64: ChunkHit]

    /// The search settings chosen for the knowledge base state with this digest, if any were recorded.
    func searchSettings(kbHash: String) async throws -> SearchSettings?
    /// The search settings chosen most recently (for the knowledge base as it was then).
    func latestSearchSettings() async throws -> SearchSettings?
    /// Records search settings (replacing any recorded for the same digest).
    func saveSearchSettings(_ settings: SearchSettings) async throws
}
