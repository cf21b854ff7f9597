import Domain
import Foundation
import PostgresNIO
import PostgresStore
import Store
import TestSupport
import Testing

/// What only the PostgreSQL store has: its migrations, and an audit log the database itself keeps append-only.
@Suite(.enabled(if: TestSupport.postgresURL != nil, Comment(rawValue: TestSupport.postgresSkipReason)))
struct PostgresStoreTests {
    @Test func migrationsApplyOnceAndASecondRunAppliesNothing() async throws {
        try await PostgresTestDatabase.withStore(migrated: false) { store, _ in
            let first = try await store.migrate()
            #expect(first == [1, 2, 3, 4])
            #expect(try await store.migrate() == [])
            #expect(try await store.appliedMigrations() == [1, 2, 3, 4])
            let vector = try await store.client.query("SELECT extversion FROM pg_extension WHERE extname = 'vector'")
            var versions: [String] = []
            for try await version in vector.decode(String.self) { versions.append(version) }
            #expect(versions.count == 1 && (versions.first ?? "").hasPrefix("0.8"), "pgvector 0.8: \(versions)")
        }
    }

    @Test func twoMigratorsStartingTogetherApplyEachMigrationOnce() async throws {
        try await PostgresTestDatabase.withDatabase { url in
            let replicas = try (0..<2).map { _ in try PostgresStore(url: url, logger: PostgresTestDatabase.quietLogger) }
            try await PostgresTestDatabase.running(replicas[0].client) {
                try await PostgresTestDatabase.running(replicas[1].client) {
                    let applied = try await withThrowingTaskGroup(of: [Int].self) { group in
                        for replica in replicas { group.addTask { try await replica.migrate() } }
                        return try await group.reduce(into: []) { $0 += $1 }
                    }
                    #expect(applied.sorted() == [1, 2, 3, 4], "each migration applied by one migrator, found applied by the other")
                    #expect(try await replicas[1].appliedMigrations() == [1, 2, 3, 4])
                }
            }
        }
    }

    @Test func theDatabaseRefusesToUpdateDeleteOrTruncateTheAuditLog() async throws {
        try await PostgresTestDatabase.withStore { store, _ in
            try await store.appendAudit(AuditEvent(actor: "key:admin", action: "key.create", target: "k1"))
            for statement in [
                "UPDATE audit_log SET actor = 'someone else'", "DELETE FROM audit_log", "TRUNCATE audit_log",
            ] {
                let error = await #expect(throws: PSQLError.self, "\(statement)") {
                    try await store.client.query(PostgresQuery(unsafeSQL: statement))
                }
                #expect(error?.serverInfo?[.message] == "audit_log is append-only", "\(statement)")
            }
            #expect(try await store.auditLog(limit: 10).map(\.actor) == ["key:admin"])
        }
    }

    @Test func aBatchIsOneTransactionAndABadRecordLeavesNothingOfIt() async throws {
        try await PostgresTestDatabase.withStore { store, _ in
            let run = try await store.beginIngest(kind: .tickets, source: "/t.csv", sourceHash: "h")
            let good = Ticket(externalID: "A", subject: "s", body: "fine", status: .open)
            let bad = Ticket(externalID: "B", subject: "s", body: "nul \u{0}", status: .open)
            await #expect(throws: StoreError.self) {
                try await store.commit(IngestBatch(runID: run.id, position: 2, read: 2, tickets: [good, bad]))
            }
            let rows = try await store.client.query("SELECT count(*) FROM tickets")
            for try await count in rows.decode(Int.self) { #expect(count == 0) }
            #expect(try await store.ingestRuns(limit: 1).first?.position == 0, "the run did not advance")
            let after = try await store.commit(IngestBatch(runID: run.id, position: 1, read: 1, tickets: [good]))
            #expect(after.counts == IngestCounts(read: 1, stored: 1) && after.position == 1)
        }
    }

    @Test func ticketsAndArticlesAreStoredWithEveryFieldAndChunksReplacedOnEdit() async throws {
        try await PostgresTestDatabase.withStore { store, _ in
            let ticket = Ticket(
                externalID: "T-1", subject: "Café crashed", body: "Body ✓", customer: "a@example.com", channel: "email",
                language: "fr", category: "Technical", priority: .p1, status: .resolved,
                createdAt: Date(timeIntervalSince1970: 1_760_000_000), resolvedAt: Date(timeIntervalSince1970: 1_760_003_600),
                resolution: "Fixed in 5.2.1", extra: ["intent": "crash"])
            let article = Article(externalID: "KB-1", title: "Refunds", body: "One.\n\nTwo.", category: "Billing",
                                  tags: ["refund"])
            let chunks = Chunker().chunks(of: article.body, title: article.title)
            var run = try await store.beginIngest(kind: .tickets, source: "/t.json", sourceHash: "h")
            run = try await store.commit(IngestBatch(runID: run.id, position: 2, read: 2, tickets: [ticket],
                                                     articles: [ChunkedArticle(article: article, chunks: chunks)]))
            #expect(run.counts == IngestCounts(read: 2, stored: 2))
            let rows = try await store.client.query("""
                SELECT subject, body, customer, priority, status, created_at, resolved_at, extra FROM tickets
                WHERE external_id = 'T-1'
                """)
            for try await (subject, body, customer, priority, status, created, resolved, extra) in rows.decode(
                (String?, String, String?, String?, String?, Date?, Date?, String).self) {
                #expect(subject == "Café crashed" && body == "Body ✓" && customer == "a@example.com")
                #expect(priority == "P1" && status == "resolved" && created == ticket.createdAt && resolved == ticket.resolvedAt)
                #expect(extra == #"{"intent":"crash"}"#)
            }
            var edited = article
            edited.body = "One, edited."
            let editedChunks = Chunker().chunks(of: edited.body, title: edited.title)
            run = try await store.beginIngest(kind: .kb, source: "/kb/", sourceHash: "h2")
            run = try await store.commit(IngestBatch(runID: run.id, position: 2, read: 2, tickets: [ticket],
                                                     articles: [ChunkedArticle(article: edited, chunks: editedChunks)]))
            #expect(run.counts == IngestCounts(read: 2, updated: 1, unchanged: 1))
            let stored = try await store.client.query("""
                SELECT a.version, array_agg(c.text ORDER BY c.ordinal) FROM articles a JOIN chunks c ON c.article_id = a.id
                GROUP BY a.version
                """)
            for try await (version, texts) in stored.decode((Int, [String]).self) {
                #expect(version == 2 && texts == editedChunks.map(\.text))
            }
        }
    }

    @Test func anEditedTicketIsUpdatedInPlaceItsVectorsDroppedAndTheFeedMovedOn() async throws {
        try await PostgresTestDatabase.withStore { store, _ in
            let original = Ticket(externalID: "A", subject: "s", body: "first", status: .open)
            var run = try await store.beginIngest(kind: .tickets, source: "/t.csv", sourceHash: "h1")
            run = try await store.commit(IngestBatch(runID: run.id, position: 1, read: 1, tickets: [original]))
            try await store.client.query("""
                INSERT INTO ticket_embeddings (ticket_id, model, vector) SELECT id, 'm', '[1,0]' FROM tickets
                """)
            func sequenceAndVectors() async throws -> (Int64, Int) {
                let rows = try await store.client.query("""
                    SELECT (SELECT max(sequence) FROM changes WHERE kind = 'ticket'), (SELECT count(*) FROM ticket_embeddings)
                    """)
                for try await pair in rows.decode((Int64, Int).self) { return pair }
                return (0, -1)
            }
            let before = try await sequenceAndVectors()
            #expect(before.1 == 1)
            var edited = original
            edited.body = "second"
            run = try await store.beginIngest(kind: .tickets, source: "/t.csv", sourceHash: "h2")
            run = try await store.commit(IngestBatch(runID: run.id, position: 1, read: 1, tickets: [edited]))
            #expect(run.counts == IngestCounts(read: 1, updated: 1))
            let after = try await sequenceAndVectors()
            #expect(after.0 > before.0 && after.1 == 0, "the feed moved on and the stale vector is gone")
            let changes = try await store.client.query("SELECT count(*) FROM changes WHERE kind = 'ticket'")
            for try await count in changes.decode(Int.self) { #expect(count == 1, "one feed row per ticket") }
        }
    }
}
