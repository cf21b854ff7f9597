import Domain
import Foundation
import GRDB
@testable import Store
import TestSupport
import Testing

/// Vectors are keyed by item and model: two encoders' vectors of one item live side by side.
@Suite struct EmbeddingsByModelTests {
    private func ticket(_ id: String) -> Ticket {
        Ticket(externalID: id, subject: "Subject \(id)", body: "Body of \(id)", category: "Billing", priority: .p3,
               status: .resolved, createdAt: Date(timeIntervalSince1970: 1_760_000_000), resolution: "Refunded.")
    }

    private func storeWithItems() async throws -> SQLiteStore {
        let store = try SQLiteStore(home: try TestSupport.temporaryDirectory("embid"))
        let run = try await store.beginIngest(kind: .tickets, source: "/t.json", sourceHash: "h")
        try await store.commit(IngestBatch(runID: run.id, position: 2, read: 2, tickets: [ticket("A"), ticket("B")]))
        let body = "Refunds for a double charge take five days. Ask for one from the billing page."
        let article = Article(externalID: "KB-1", title: "Refunds", body: body, category: "Billing", tags: [])
        let kb = try await store.beginIngest(kind: .kb, source: "/kb", sourceHash: "k")
        try await store.commit(IngestBatch(runID: kb.id, position: 1, read: 1, articles: [
            ChunkedArticle(article: article, chunks: Chunker().chunks(of: body, title: article.title))]))
        return store
    }

    @Test func twoModelsVectorsOfOneItemCoexistAndEachReadsBackItsOwn() async throws {
        let store = try await storeWithItems()
        let small = EmbedderIdentity(id: "hashing-test", dimension: 16, revision: "a").key
        let large = EmbedderIdentity(id: "hashing-test", dimension: 384, revision: "b").key
        for kind in [EmbeddedKind.ticket, .chunk] {
            let pending = try await store.itemsNeedingEmbedding(kind, model: small, limit: 10)
            #expect(!pending.isEmpty)
            try await store.saveEmbeddings(kind, pending.map { ($0.id, [Float](repeating: 0.25, count: 16)) }, model: small)
            #expect(try await store.itemsNeedingEmbedding(kind, model: small, limit: 10).isEmpty)
            // The other model still needs every item: "needs embedding" is per model.
            #expect(try await store.itemsNeedingEmbedding(kind, model: large, limit: 10).map(\.id) == pending.map(\.id))
            try await store.saveEmbeddings(kind, pending.map { ($0.id, [Float](repeating: 0.05, count: 384)) }, model: large)
            let smallVectors = try await store.vectors(kind, model: small), largeVectors = try await store.vectors(kind, model: large)
            #expect(smallVectors.map(\.id) == pending.map(\.id) && smallVectors.allSatisfy { $0.vector.count == 16 && $0.vector[0] == 0.25 })
            #expect(largeVectors.map(\.id) == pending.map(\.id) && largeVectors.allSatisfy { $0.vector.count == 384 })
            // Writing one model's vector again replaces that one only.
            try await store.saveEmbeddings(kind, [(pending[0].id, [Float](repeating: 0.5, count: 16))], model: small)
            #expect(try await store.vectors(kind, model: small).first?.vector.first == 0.5)
            #expect(try await store.vectors(kind, model: large).first?.vector.count == 384)
        }
        #expect(try await store.ticketWithVector(externalID: "A", model: small)?.vector?.count == 16)
        #expect(try await store.ticketWithVector(externalID: "A", model: large)?.vector?.count == 384)
        #expect(try await store.resolvedTickets(model: large).allSatisfy { $0.vector?.count == 384 })
    }

    @Test func anAnswerHasOneExampleOfATicketPerModel() async throws {
        let store = try await storeWithItems()
        let new = NewAnswer(title: "Refund", body: "Refunds take five days.", category: "Billing", withheld: [], examples: [
            AnswerExample(answerID: "", ticketExternalID: "A", text: "Body of A", vector: [1, 0], model: "m1"),
            AnswerExample(answerID: "", ticketExternalID: "A", text: "Body of A", vector: [0, 1, 0], model: "m2"),
        ])
        _ = try await store.proposeAnswer(new, origin: .manual, actor: "test")
        #expect(try await store.answerExamples(status: .candidate, model: "m1").map(\.vector) == [[1, 0]])
        #expect(try await store.answerExamples(status: .candidate, model: "m2").map(\.vector) == [[0, 1, 0]])
    }

    /// A store from before the migration: its vectors (of the literal name) stay, under the packaged model's key.
    @Test func theMigrationKeepsExistingVectors() async throws {
        let path = try TestSupport.temporaryDirectory("embid-migration").appendingPathComponent("store.sqlite").path
        do {
            let queue = try DatabaseQueue(path: path)
            try SQLiteSchema.migrator.migrate(queue, upTo: "v12-search-settings")
            try await queue.write { db in
                try db.execute(sql: """
                    INSERT INTO tickets (id, external_id, body, content_hash, ingested_at, updated_at)
                        VALUES (1, 'A', 'body', 'h', '2026-01-01', '2026-01-01'),
                               (2, 'B', 'body', 'h', '2026-01-01', '2026-01-01');
                    INSERT INTO articles (id, external_id, title, body, content_hash, ingested_at)
                        VALUES (1, 'KB-1', 'T', 'body', 'h', '2026-01-01');
                    INSERT INTO chunks (id, article_id, ordinal, heading, text, start_offset, end_offset)
                        VALUES (1, 1, 0, 'T', 'body', 0, 4);
                    INSERT INTO ticket_embeddings (ticket_id, model, vector) VALUES (1, 'all-MiniLM-L6-v2', x'0000803f');
                    INSERT INTO chunk_embeddings (chunk_id, model, vector) VALUES (1, 'all-MiniLM-L6-v2', x'0000803f');
                    INSERT INTO ticket_embeddings (ticket_id, model, vector) VALUES (2, 'other', x'00000040');
                    """)
            }
        }
        let store = try SQLiteStore(path: path)
        let key = EmbedderIdentity.packagedMiniLM.key
        #expect(try await store.vectors(.ticket, model: key).map(\.vector) == [[1]])
        #expect(try await store.vectors(.chunk, model: key).map(\.vector) == [[1]])
        #expect(try await store.vectors(.ticket, model: "other").map(\.vector) == [[2]])
        #expect(try await store.itemsNeedingEmbedding(.ticket, model: key, limit: 5).map(\.id) == [2])
        // The triggers came back: a vector is a change of its ticket, an edited ticket loses its vectors.
        let before = try await store.latestChange(.ticket)
        try await store.saveEmbeddings(.ticket, [(1, [3])], model: "third")
        #expect(try await store.changes(.ticket, since: before, limit: 10).map(\.itemID) == [1])
        var edited = try #require(try await store.ticket(externalID: "A"))
        edited.body = "an edited body"
        let run = try await store.beginIngest(kind: .tickets, source: "/t.json", sourceHash: "h2")
        try await store.commit(IngestBatch(runID: run.id, position: 1, read: 1, tickets: [edited]))
        #expect(try await store.vectors(.ticket, model: key).isEmpty)
        #expect(try await store.vectors(.ticket, model: "third").isEmpty)
        #expect(try await store.vectors(.ticket, model: "other").map(\.id) == [2])
    }
}
