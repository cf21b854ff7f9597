import Domain
import Foundation
import Ingest
import Readers
import Store
import TestSupport
import Testing

/// Ingests the real data sets in ../shared and checks the counts against the files.
@Suite struct SharedDataIngestTests {
    private func ingestor() throws -> (Ingestor, SQLiteStore) {
        let store = try SQLiteStore(home: try TestSupport.temporaryDirectory("shared"))
        return (Ingestor(store: store), store)
    }

    @Test(.enabled(if: TestSupport.hasShared("data/localtriage-anchor/sample_tickets.json")))
    func anchorTicketsAndKnowledgeBase() async throws {
        let (ingestor, store) = try ingestor()
        let anchor = TestSupport.sharedFile("data/localtriage-anchor")!
        let json = try await ingestor.ingestTickets(path: anchor.appendingPathComponent("sample_tickets.json").path)
        let csv = try await ingestor.ingestTickets(path: anchor.appendingPathComponent("sample_tickets.csv").path)
        #expect(json.counts == IngestCounts(read: 40, stored: 40))
        #expect(csv.counts == IngestCounts(read: 40, stored: 40))
        // P1 stays P1 (the Python system turned it into P3).
        let p1 = try #require(try await store.ticket(externalID: "TKT-101"))
        #expect(p1.priority == .p1 && p1.category == "Technical" && p1.customer == "user101@test.com")
        #expect(p1.extra["customer_id"] == "CUST-10001")

        let kb = try await ingestor.ingestKnowledgeBase(
            path: anchor.appendingPathComponent("knowledge_base_articles.json").path)
        #expect(kb.counts == IngestCounts(read: 40, stored: 40))
        let article = try #require(try await store.article(externalID: "KB-001"))
        let chunks = try await store.chunks(articleExternalID: "KB-001")
        #expect(chunks.count > 1)
        let body = Array(article.article.body.unicodeScalars)
        for chunk in chunks {
            #expect(String(String.UnicodeScalarView(body[chunk.start..<chunk.end])) == chunk.text)
        }
        let hits = try await store.searchChunks("forgot my password reset link expired", limit: 5, category: nil)
        #expect(hits.first?.articleID == "KB-001")
    }

    @Test(.enabled(if: TestSupport.hasShared("data/bitext/bitext_customer_support.csv")))
    func bitextWithAFieldMapping() async throws {
        let (ingestor, store) = try ingestor()
        let path = TestSupport.sharedFile("data/bitext/bitext_customer_support.csv")!.path
        let mapping = try FieldMapping(pairs: ["body=instruction", "resolution=response", "category=intent"])
        let report = try await ingestor.ingestTickets(path: path, mapping: mapping)
        // 4,514 rows; a few instructions repeat verbatim and are kept as distinct tickets.
        #expect(report.counts == IngestCounts(read: 4514, stored: 4514))
        #expect(try await store.counts().tickets == 4514)
    }

    @Test(.enabled(if: TestSupport.hasShared("data/banking77/train.csv")))
    func banking77TrainWithoutIds() async throws {
        let (ingestor, store) = try ingestor()
        let path = TestSupport.sharedFile("data/banking77/train.csv")!.path
        let report = try await ingestor.ingestTickets(path: path)
        #expect(report.counts == IngestCounts(read: 10_003, stored: 10_003))
        #expect(try await store.counts().tickets == 10_003)
    }
}
