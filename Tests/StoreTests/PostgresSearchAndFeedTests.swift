import Domain
import Foundation
import PostgresNIO
@testable import PostgresStore
import Search
import Store
import TestSupport
import Testing

/// What only the PostgreSQL store does for search and the feed: HNSW indexes per model, the planner using them,
/// BM25 in SQL, and a feed in commit order under concurrent writers.
@Suite(.enabled(if: TestSupport.postgresURL != nil, Comment(rawValue: TestSupport.postgresSkipReason)))
struct PostgresSearchAndFeedTests {
    private func ingest(_ store: PostgresStore, _ tickets: [Ticket]) async throws {
        let run = try await store.beginIngest(kind: .tickets, source: "/t-\(UUID().uuidString)", sourceHash: "h")
        try await store.commit(IngestBatch(runID: run.id, position: tickets.count, read: tickets.count, tickets: tickets))
    }

    private func strings(_ store: PostgresStore, _ sql: String) async throws -> [String] {
        var values: [String] = []
        for try await value in try await store.client.query(PostgresQuery(unsafeSQL: sql)).decode(String.self) {
            values.append(value)
        }
        return values
    }

    @Test func anHNSWIndexIsCreatedOncePerModelAndAModelKeyWithQuotesIsHarmless() async throws {
        try await PostgresTestDatabase.withStore { store, _ in
            try await ingest(store, (0..<3).map { Ticket(externalID: "T\($0)", subject: "s", body: "b\($0)", status: .resolved) })
            let ids = try await store.itemsNeedingEmbedding(.ticket, model: "m", limit: 10).map(\.id)
            let hostile = "it's'); DROP TABLE tickets; -- \\ $$ \""
            try await store.saveEmbeddings(.ticket, [(ids[0], [1, 0]), (ids[1], [0, 1])], model: "m")
            try await store.saveEmbeddings(.ticket, [(ids[2], [0.6, 0.8])], model: "m")
            try await store.saveEmbeddings(.ticket, ids.map { ($0, [1, 0, 0]) }, model: hostile)
            let indexes = try await strings(store, """
                SELECT indexdef FROM pg_indexes WHERE tablename = 'ticket_embeddings' AND indexdef LIKE '%hnsw%' ORDER BY indexname
                """)
            #expect(indexes.count == 2, "one index per model, made once: \(indexes)")
            #expect(indexes.contains { $0.contains("vector(2)") && $0.contains("'m'::text") })
            #expect(indexes.contains { $0.contains("vector(3)") && $0.contains("'it''s''); DROP TABLE tickets; -- \\ $$ \"'::text") },
                    "the model key is a quoted literal: \(indexes)")
            #expect(try await strings(store, "SELECT to_regclass('tickets')::text") == ["tickets"])
            #expect(try await store.nearest(.ticket, to: [1, 0, 0], model: hostile, k: 5, filter: .none).count == 3)
            #expect(try await store.nearest(.ticket, to: [1, 0], model: "m", k: 1, filter: .none).map(\.id) == [ids[0]])
            let recorded = try await strings(store, "SELECT model || ':' || dimension FROM embedding_indexes ORDER BY model")
            #expect(recorded == ["\(hostile):3", "m:2"])

            // Another width for a model: a clear StoreError, nothing saved; a NaN likewise.
            let error = await #expect(throws: StoreError.self) {
                try await store.saveEmbeddings(.ticket, [(ids[0], [1, 0, 0])], model: "m")
            }
            #expect(error?.code == .invalid && error?.description.contains("2-d") == true, "\(String(describing: error))")
            await #expect(throws: StoreError.self) { try await store.saveEmbeddings(.ticket, [(ids[0], [.nan, 0])], model: "m") }
            await #expect(throws: EmbeddingDimensionError.self) {
                _ = try await store.nearest(.ticket, to: [1, 0, 0, 0], model: "m", k: 1, filter: .none)
            }
            #expect(try await store.vectors(.ticket, model: "m").first?.vector == [1, 0])
        }
    }

    @Test func aV1DatabaseGetsItsModelsIndexesAndItsKeywordPostingsWhenMigrated() async throws {
        try await PostgresTestDatabase.withStore(migrated: false) { store, _ in
            #expect(try await store.migrate(upTo: 1) == [1])
            try await store.client.query("""
                INSERT INTO tickets (external_id, subject, body, status, content_hash, ingested_at, updated_at)
                VALUES ('OLD-1', 'Refund', 'Charged twice', 'resolved', 'h', now(), now())
                """)
            try await store.client.query("INSERT INTO ticket_embeddings (ticket_id, model, vector) SELECT id, 'it''s', '[1,0,0]' FROM tickets")
            #expect(try await store.migrate() == [2, 3, 4])
            #expect(try await store.searchTickets("charged", limit: 5, resolvedOnly: true).map(\.ticket.externalID) == ["OLD-1"])
            #expect(try await store.nearest(.ticket, to: [1, 0, 0], model: "it's", k: 1, filter: .none).count == 1)
            #expect(try await strings(store, "SELECT indexdef FROM pg_indexes WHERE indexdef LIKE '%hnsw%'").count == 1)
            #expect(try await store.writeMissingKeywordPostings() == (0, 0), "nothing left to index")
        }
    }

    @Test func firstSaversOfNewModelsAtOnceTakeTurnsAndEachModelGetsOneIndex() async throws {
        try await PostgresTestDatabase.withStore { store, _ in
            try await ingest(store, (0..<20).map { Ticket(externalID: "T\($0)", subject: "s", body: "b\($0)") })
            let ids = try await store.itemsNeedingEmbedding(.ticket, model: "probe", limit: 50).map(\.id)
            // Two savers each of three new models, all at once: no deadlock, no duplicate index, every vector kept.
            try await withThrowingTaskGroup(of: Void.self) { group in
                for (model, width) in [("x", 2), ("y", 3), ("z", 4)] {
                    for half in [ids.prefix(10), ids.suffix(10)] {
                        group.addTask {
                            try await store.saveEmbeddings(.ticket, half.map { ($0, [Float](repeating: 1, count: width)) }, model: model)
                        }
                    }
                }
                try await group.waitForAll()
            }
            let indexes = try await strings(store, """
                SELECT indexname FROM pg_indexes WHERE tablename = 'ticket_embeddings' AND indexdef LIKE '%hnsw%'
                """)
            #expect(indexes.count == 3, "\(indexes)")
            for model in ["x", "y", "z"] { #expect(try await store.vectors(.ticket, model: model).count == 20) }
        }
    }

    @Test func thePlannerSearchesThroughTheModelsHNSWIndexWithAndWithoutAFilter() async throws {
        try await PostgresTestDatabase.withStore { store, _ in
            try await ingest(store, [Ticket(externalID: "seed", subject: "s", body: "b", status: .resolved)])
            let seed = try await store.itemsNeedingEmbedding(.ticket, model: "m", limit: 1)[0].id
            try await store.saveEmbeddings(.ticket, [(seed, [Float](repeating: 0.5, count: 8))], model: "m")
            // 5,000 more tickets (every other one resolved) with random 8-d vectors, and another model's 4-d ones.
            try await store.client.query("""
                INSERT INTO tickets (external_id, body, status, content_hash, ingested_at, updated_at)
                SELECT 'T' || i, 'body ' || i, CASE WHEN i % 2 = 0 THEN 'resolved' ELSE 'open' END, 'h', now(), now()
                FROM generate_series(1, 5000) AS i
                """)
            try await store.client.query("""
                INSERT INTO ticket_embeddings (ticket_id, model, vector)
                SELECT id, 'm', ARRAY(SELECT random() FROM generate_series(1, 8) WHERE id > 0)::real[]::vector
                FROM tickets WHERE external_id <> 'seed'
                """)
            try await store.saveEmbeddings(.ticket, [(seed, [1, 0, 0, 0])], model: "other")
            try await store.client.query("ANALYZE")
            let name = try #require(try await strings(store, "SELECT index_name FROM embedding_indexes WHERE model = 'm'").first)
            let query = [Float](repeating: 0.3, count: 8)
            for filter in [NearestFilter.none, NearestFilter(resolvedOnly: true)] {
                let q = PostgresStore.nearestQuery(.ticket, to: query, model: "m", k: 10, filter: filter, dimension: 8)
                var plan: [String] = []
                for try await line in try await store.client.query(PostgresQuery(unsafeSQL: "EXPLAIN " + q.sql, binds: q.binds)).decode(String.self) {
                    plan.append(line)
                }
                #expect(plan.contains { $0.contains("Index Scan using \(name)") }, "\(filter): \(plan.joined(separator: "\n"))")
            }
            let found = try await store.nearest(.ticket, to: query, model: "m", k: 10, filter: NearestFilter(resolvedOnly: true))
            let resolved = Set(try await store.vectors(.ticket, model: "m").filter(\.resolved).map(\.id))
            #expect(found.count == 10 && found.allSatisfy { resolved.contains($0.id) })
            #expect(zip(found, found.dropFirst()).allSatisfy { $0.similarity >= $1.similarity })

            // A rare filter (1 ticket in 50 resolved) through the index: ef_search 100 candidates hold about 2
            // admitted ones; the iterative scan goes on until it has k.
            try await store.client.query("UPDATE tickets SET status = CASE WHEN id % 50 = 0 THEN 'resolved' ELSE 'open' END")
            try await store.client.query("ANALYZE")
            func rareFilterCount(iterative: Bool) async throws -> Int {
                try await store.transaction { connection in
                    try await connection.query("""
                        SELECT set_config('hnsw.ef_search', '100', true), set_config('enable_seqscan', 'off', true),
                               set_config('enable_hashjoin', 'off', true), set_config('enable_mergejoin', 'off', true),
                               set_config('hnsw.iterative_scan', \(iterative ? "relaxed_order" : "off"), true)
                        """, logger: store.logger)
                    let q = PostgresStore.nearestQuery(.ticket, to: query, model: "m", k: 10,
                                                       filter: NearestFilter(resolvedOnly: true), dimension: 8)
                    return try await connection.rows(q, logger: store.logger).count
                }
            }
            let without = try await rareFilterCount(iterative: false), with = try await rareFilterCount(iterative: true)
            #expect(without < 10 && with == 10, "iterative scan off: \(without) of 10; relaxed_order: \(with)")
            #expect(try await store.nearest(.ticket, to: query, model: "m", k: 10, filter: NearestFilter(resolvedOnly: true)).count == 10)
        }
    }

    @Test func aChangeThatCommitsLastIsSeenAfterALaterNumberedOneEvenIfItWasWrittenFirst() async throws {
        try await PostgresTestDatabase.withStore { store, _ in
            func insert(_ id: String) -> PostgresQuery {
                "INSERT INTO tickets (external_id, body, content_hash, ingested_at, updated_at) VALUES (\(id), 'b', 'h', now(), now())"
            }
            let (seen, after) = try await store.client.withConnection { first in
                try await first.query("BEGIN", logger: store.logger)
                try await first.query(insert("first-written"), logger: store.logger)  // its feed row is written now
                try await store.client.withConnection { second in
                    try await second.query("BEGIN", logger: store.logger)
                    try await second.query(insert("second-written"), logger: store.logger)
                    try await second.query("COMMIT", logger: store.logger)
                }
                let seen = try await store.changes(.ticket, since: 0, limit: 10)
                try await first.query("COMMIT", logger: store.logger)
                return (seen, try await store.changes(.ticket, since: seen.last?.sequence ?? 0, limit: 10))
            }
            let ids = Dictionary(uniqueKeysWithValues: try await strings(store, "SELECT external_id || '=' || id FROM tickets")
                .map { pair in let parts = pair.split(separator: "="); return (String(parts[0]), Int64(parts[1])!) })
            #expect(seen.map(\.itemID) == [ids["second-written"]!], "only the committed one")
            #expect(after.map(\.itemID) == [ids["first-written"]!], "the follower still gets the one that committed last")
            #expect(try await store.latestChange(.ticket) == after.last?.sequence)
            // Written in the other order: an identity number would have put it below what the follower had read.
            #expect(try await strings(store, "SELECT item_id::text FROM changes ORDER BY written")
                    == [ids["first-written"]!, ids["second-written"]!].map(String.init))
        }
    }

    @Test func bm25InSQLScoresAsTheInMemoryIndexAndTheCorpusTotalsFollowEdits() async throws {
        try await PostgresTestDatabase.withStore { store, _ in
            let texts = [
                "Refund for a duplicate charge", "The app crashes when I open settings", "Refund still not received",
                "Password reset link expired", "Charged twice for one order, please refund the duplicate charge",
            ]
            let tickets = texts.enumerated().map { Ticket(externalID: "T\($0.offset)", subject: nil, body: $0.element, status: .resolved) }
            try await ingest(store, tickets)
            var edited = tickets[1]
            edited.body = "Refund the duplicate charge on my card"
            try await store.upsertTicket(edited, actor: "test")
            let corpus = texts.enumerated().map { $0.offset == 1 ? edited.body : $0.element }
            var index = BM25Index()
            let ids = try await store.itemsNeedingEmbedding(.ticket, model: "probe", limit: 10)
            for (item, text) in zip(ids, corpus) { index.add(id: item.id, text: text) }
            let query = "refund duplicate charge"
            let expected = index.search(query, k: 5)
            let hits = try await store.searchTickets(query, limit: 5, resolvedOnly: false)
            #expect(hits.map(\.ticketID) == expected.map(\.id))
            for (hit, reference) in zip(hits, expected) {
                #expect(abs(hit.score - Double(reference.score)) < 1e-4, "\(hit.score) vs \(reference.score)")
            }
            let totals = try await strings(store, """
                SELECT s.documents || '/' || s.total_length || '=' || (SELECT count(*) FROM ticket_keyword_documents) || '/'
                       || (SELECT sum(length) FROM ticket_keyword_documents)
                FROM keyword_stats s WHERE kind = 'ticket'
                """)
            let parts = try #require(totals.first).split(separator: "=")
            #expect(parts.count == 2 && parts[0] == parts[1], "\(totals)")

            // Chunks: an edited article's chunks go by cascade, and the totals follow (statement triggers fire for it).
            let body = "Refunds take five days.\n\nCards are charged monthly.\n\nInvoices list every charge."
            let article = Article(externalID: "KB-1", title: "Billing", body: body, category: "Billing", tags: [])
            let chunker = Chunker(maxLength: 30, minLength: 5, overlap: 0)
            let kb = try await store.beginIngest(kind: .kb, source: "/kb", sourceHash: "k")
            try await store.commit(IngestBatch(runID: kb.id, position: 1, read: 1, articles: [
                ChunkedArticle(article: article, chunks: chunker.chunks(of: body, title: "Billing"))]))
            var shorter = article
            shorter.body = "Refunds take three days."
            try await store.commit(IngestBatch(runID: kb.id, position: 2, read: 1, articles: [
                ChunkedArticle(article: shorter, chunks: chunker.chunks(of: shorter.body, title: "Billing"))]))
            let chunkTotals = try await strings(store, """
                SELECT s.documents || '/' || s.total_length || '=' || (SELECT count(*) FROM chunks) || '/'
                       || (SELECT coalesce(sum(length), 0) FROM chunk_keyword_documents)
                       || ' postings ' || (SELECT count(*) FROM chunk_postings)
                FROM keyword_stats s WHERE kind = 'chunk'
                """)
            #expect(chunkTotals == ["1/5=1/5 postings 5"], "one chunk left: billing, refund, take, three, day: \(chunkTotals)")
        }
    }
}

/// Compare-and-set under concurrency: what SQLite gets from its single writer, PostgreSQL gets from locks.
@Suite(.enabled(if: TestSupport.postgresURL != nil, Comment(rawValue: TestSupport.postgresSkipReason)))
struct PostgresCompareAndSetTests {
    @Test func twoReplicasMovingAnAliasFromTheSameStateAtOnceOneWinsAndOneIsRefused() async throws {
        try await PostgresTestDatabase.withStore { store, _ in
            for version in ["A", "B", "C"] {
                _ = try await store.recordTrainingRun(TrainingRun(
                    family: "router", modelVersion: version, startedAt: Date(), durationSeconds: 1, codeVersion: "t",
                    parameters: [:], trainingData: DatasetReference(path: "/d", sha256: "d", examples: 1), evaluationSet: nil,
                    validation: ModelMetrics(n: 1, accuracy: 1), evaluation: nil, artifactPath: "/a", artifactSHA256: "s", actor: "t"))
            }
            for round in 0..<5 {
                // Unset, or at A: two movers that both read that state; exactly one may win.
                let from: String? = round == 0 ? nil : try await store.aliases(family: "router")[.champion]
                let outcomes = await withTaskGroup(of: Bool.self) { group in
                    for target in ["B", "C"] where target != from {
                        group.addTask {
                            (try? await store.moveAlias(AliasChange(family: "router", alias: .champion, version: target,
                                                                    previousVersion: from, action: .promote, actor: "r", reason: "race"))) != nil
                        }
                    }
                    if from == "B" || from == "C" {
                        group.addTask {
                            (try? await store.moveAlias(AliasChange(family: "router", alias: .champion, version: "A",
                                                                    previousVersion: from, action: .promote, actor: "r", reason: "race"))) != nil
                        }
                    }
                    return await group.reduce(into: []) { $0.append($1) }
                }
                #expect(outcomes.filter { $0 }.count == 1, "round \(round): \(outcomes)")
            }
            #expect(try await store.aliasHistory(family: "router").count == 5)
        }
    }

    @Test func twoEditorsOfOneAnswerVersionOneWinsAndOneIsRefused() async throws {
        try await PostgresTestDatabase.withStore { store, _ in
            let answer = try await store.proposeAnswer(NewAnswer(title: "T", body: "B", category: nil, withheld: [], examples: []),
                                                       origin: .manual, actor: "lead")
            let outcomes = await withTaskGroup(of: Bool.self) { group in
                for editor in 0..<4 {
                    group.addTask {
                        (try? await store.editAnswer(id: answer.id, title: "T\(editor)", body: "B", expectedVersion: 1, actor: "e")) != nil
                    }
                }
                return await group.reduce(into: []) { $0.append($1) }
            }
            #expect(outcomes.filter { $0 }.count == 1)
            #expect(try await store.answer(id: answer.id)?.version == 2)
        }
    }
}
