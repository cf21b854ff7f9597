import Domain
import Foundation
import Search
import Store
import TestSupport
import Testing

/// Vectors of another width meet an index: thrown errors naming both widths, never a crash.
@Suite struct SearchEmbeddingMismatchTests {
    @Test func theVectorIndexRefusesVectorsOfAnotherWidth() throws {
        var index = VectorIndex(dimension: 384)
        try index.add(id: 1, vector: HashingTestEmbedder(dimension: 384).vector("refund"))
        let small = HashingTestEmbedder(dimension: 16).vector("refund")
        #expect(throws: EmbeddingDimensionError(expected: 384, got: 16, context: "a vector index")) { try index.add(id: 2, vector: small) }
        #expect(throws: EmbeddingDimensionError.self) { try index.search(small, k: 1) }
        #expect(throws: EmbeddingDimensionError.self) { try index.similarities(to: small) }
        #expect(index.count == 1)
    }

    /// Only a test double can store vectors of one width under a key and ask with another (real identities differ
    /// in their revision): the search refuses the query, naming both widths.
    @Test func theDenseRetrieverRefusesStoredVectorsOfAnotherWidth() async throws {
        let store = try SQLiteStore(home: try TestSupport.temporaryDirectory("embid-dense"))
        let body = "Refunds for a double charge take five days. Ask for one from the billing page."
        let article = Article(externalID: "KB-1", title: "Refunds", body: body, category: "Billing", tags: [])
        let run = try await store.beginIngest(kind: .kb, source: "/kb", sourceHash: "k")
        try await store.commit(IngestBatch(runID: run.id, position: 1, read: 1, articles: [
            ChunkedArticle(article: article, chunks: Chunker().chunks(of: body, title: article.title))]))
        let small = HashingTestEmbedder(dimension: 16, revision: "same"), large = HashingTestEmbedder(dimension: 384, revision: "same")
        #expect(try await EmbeddingIndexer(store: store, embedder: small).indexMissing(.chunk) > 0)
        await #expect(throws: EmbeddingDimensionError(expected: 16, got: 384, context: "a vector index")) {
            _ = try await DenseRetriever(store: store, embedder: large).search("refund", k: 1, filter: SearchFilter())
        }
        // Two real identities (other revision) keep their vectors apart: the other model has none yet.
        let other = HashingTestEmbedder(dimension: 16, revision: "other")
        #expect(try await DenseRetriever(store: store, embedder: other).search("refund", k: 1, filter: SearchFilter()).isEmpty)
        let dense = DenseRetriever(store: store, embedder: small)
        #expect(try await dense.search("refund", k: 1, filter: SearchFilter()).first?.articleID == "KB-1")
    }
}
