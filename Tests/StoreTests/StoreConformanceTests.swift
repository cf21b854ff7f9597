import Domain
import Foundation
import PostgresStore
import Store
import TestSupport
import Testing

/// The store contract, written against the protocols (`StoreBackend`) and run on every backend: a second backend
/// joins `StoreUnderTest` and must pass all of it.
@Suite struct StoreConformanceTests {
    private func ticket(_ id: String, _ body: String, priority: Priority? = .p3) -> Ticket {
        Ticket(externalID: id, subject: "Subject \(id)", body: body, category: "Billing", priority: priority,
               status: .open, createdAt: Date(timeIntervalSince1970: 1_760_000_000))
    }

    private func article(_ id: String, _ body: String) -> ChunkedArticle {
        let article = Article(externalID: id, title: "Article \(id)", body: body, category: "Billing",
                              tags: ["refund"])
        return ChunkedArticle(article: article, chunks: Chunker().chunks(of: body, title: article.title))
    }

    @Test(arguments: StoreUnderTest.operations)
    func upsertsCountStoredUpdatedAndUnchanged(_ backend: StoreUnderTest) async throws {
        try await backend.with((any OperationsStore).self) { store in
            var run = try await store.beginIngest(kind: .tickets, source: "/x.csv", sourceHash: "h1")
            run = try await store.commit(IngestBatch(runID: run.id, position: 2, read: 2,
                                                     tickets: [ticket("A", "one"), ticket("B", "two")]))
            #expect(run.counts == IngestCounts(read: 2, stored: 2))
            run = try await store.finishIngest(runID: run.id, actor: "test")
            #expect(run.status == .completed)

            var second = try await store.beginIngest(kind: .tickets, source: "/x.csv", sourceHash: "h2")
            #expect(second.id != run.id && second.position == 0)
            second = try await store.commit(IngestBatch(runID: second.id, position: 2, read: 2,
                                                        tickets: [ticket("A", "one"), ticket("B", "two, edited")]))
            #expect(second.counts == IngestCounts(read: 2, stored: 0, updated: 1, unchanged: 1))
            #expect(try await store.ticket(externalID: "B")?.body == "two, edited")
            #expect(try await store.counts().tickets == 2)
        }
    }

    @Test(arguments: StoreUnderTest.searchAndFeed)
    func ticketsRoundTripEveryField(_ backend: StoreUnderTest) async throws {
        try await backend.with((any SearchAndFeedStore).self) { store in
            let original = Ticket(
                externalID: "T-1", subject: "Café crashed", body: "Body ✓", customer: "a@example.com", channel: "email",
                language: "fr", category: "Technical", priority: .p1, status: .resolved,
                createdAt: Date(timeIntervalSince1970: 1_760_000_000), resolvedAt: Date(timeIntervalSince1970: 1_760_003_600),
                resolution: "Fixed in 5.2.1", extra: ["intent": "crash"])
            let run = try await store.beginIngest(kind: .tickets, source: "/t.json", sourceHash: "h")
            try await store.commit(IngestBatch(runID: run.id, position: 1, read: 1, tickets: [original]))
            #expect(try await store.ticket(externalID: "T-1") == original)
            #expect(try await store.ticket(externalID: "nope") == nil)
        }
    }

    @Test(arguments: StoreUnderTest.ingestAndAudit)
    func anInterruptedRunIsResumedOnlyForIdenticalContent(_ backend: StoreUnderTest) async throws {
        try await backend.with((any IngestStore).self) { store in
            let first = try await store.beginIngest(kind: .tickets, source: "/big.csv", sourceHash: "same")
            try await store.commit(IngestBatch(runID: first.id, position: 500, read: 500, tickets: [ticket("A", "x")]))
            // The process dies here: the run stays `running` at position 500.
            let resumed = try await store.beginIngest(kind: .tickets, source: "/big.csv", sourceHash: "same")
            #expect(resumed.id == first.id && resumed.position == 500 && resumed.resumedFrom == 500)

            let fresh = try await store.beginIngest(kind: .tickets, source: "/big.csv", sourceHash: "changed")
            #expect(fresh.id != first.id && fresh.position == 0)
            let runs = try await store.ingestRuns(limit: 10)
            #expect(runs.first { $0.id == first.id }?.status == .abandoned)
        }
    }

    @Test(arguments: StoreUnderTest.ingestAndAudit)
    func quarantineKeepsLineReasonAndRawTextOncePerLine(_ backend: StoreUnderTest) async throws {
        try await backend.with((any IngestStore).self) { store in
            let bad = QuarantinedRecord(source: "/t.csv", line: 7, reason: "missing body", raw: "7,,")
            for _ in 0..<2 {
                let run = try await store.beginIngest(kind: .tickets, source: "/t.csv", sourceHash: "h")
                let after = try await store.commit(IngestBatch(runID: run.id, position: 1, read: 1, quarantined: [bad]))
                #expect(after.counts.quarantined == 1)
                try await store.finishIngest(runID: run.id, actor: "test")
            }
            #expect(try await store.quarantined(source: "/t.csv", limit: 10) == [bad])
        }
    }

    @Test(arguments: StoreUnderTest.ingestAndAudit)
    func finishingARunIsAuditedAndTheLogReadsNewestFirst(_ backend: StoreUnderTest) async throws {
        try await backend.with((any IngestStore & AuditStore).self) { store in
            try await store.appendAudit(AuditEvent(actor: "key:lead1", action: "test.first", target: "x", details: "é ✓"))
            let run = try await store.beginIngest(kind: .kb, source: "/kb/", sourceHash: "h")
            try await store.commit(IngestBatch(runID: run.id, position: 1, read: 1,
                                               articles: [article("KB-1", "Refunds take five days.")]))
            let finished = try await store.finishIngest(runID: run.id, actor: "cli", notes: ["latin-1 fallback"])
            #expect(finished.status == .completed && finished.finishedAt != nil && finished.counts.stored == 1)
            let log = try await store.auditLog(limit: 10)
            #expect(log.map(\.action) == ["ingest.kb", "test.first"])
            #expect(log.first?.target == "/kb/" && log.first?.details.hasSuffix("; notes: latin-1 fallback") == true)
            #expect(log.last?.details == "é ✓")
            #expect(try await store.auditLog(limit: 1).count == 1)
            await #expect(throws: (any Error).self) {
                try await store.commit(IngestBatch(runID: run.id, position: 2, read: 1))
            }
        }
    }

    @Test(arguments: StoreUnderTest.operations)
    func editedArticlesGetANewVersionAndFreshChunks(_ backend: StoreUnderTest) async throws {
        try await backend.with((any OperationsStore).self) { store in
            let run = try await store.beginIngest(kind: .kb, source: "/kb", sourceHash: "h")
            try await store.commit(IngestBatch(runID: run.id, position: 1, read: 1,
                                               articles: [article("KB-1", "Refunds take five business days.")]))
            #expect(try await store.article(externalID: "KB-1")?.version == 1)
            #expect(try await store.searchChunks("refunds", limit: 5, category: nil).count == 1)

            let after = try await store.commit(IngestBatch(runID: run.id, position: 2, read: 1,
                                               articles: [article("KB-1", "Invoices are emailed monthly.")]))
            #expect(after.counts.updated == 1)
            #expect(try await store.article(externalID: "KB-1")?.version == 2)
            #expect(try await store.chunks(articleExternalID: "KB-1").map(\.text) == ["Invoices are emailed monthly."])
            #expect(try await store.searchChunks("refunds", limit: 5, category: nil).isEmpty)
            #expect(try await store.searchChunks("invoices", limit: 5, category: nil).count == 1)
            #expect(try await store.counts().chunks == 1)
        }
    }

    @Test(arguments: StoreUnderTest.searchAndFeed)
    func searchRanksTheBestMatchFirstAndFilters(_ backend: StoreUnderTest) async throws {
        try await backend.with((any SearchAndFeedStore).self) { store in
            let run = try await store.beginIngest(kind: .kb, source: "/kb", sourceHash: "h")
            var other = article("KB-3", "Reset your password from the login page. Password links expire in 24 hours.")
            other.article.category = "Account"
            try await store.commit(IngestBatch(runID: run.id, position: 3, read: 3, articles: [
                article("KB-1", "Refunds for duplicate charges take five business days to appear."),
                article("KB-2", "Your invoice lists every charge of the billing period."),
                other,
            ]))
            let hits = try await store.searchChunks("how do I get a refund for a duplicate charge?", limit: 3, category: nil)
            #expect(hits.first?.articleID == "KB-1")
            #expect(hits.allSatisfy { $0.score > 0 })
            #expect(zip(hits, hits.dropFirst()).allSatisfy { $0.score >= $1.score })
            #expect(try await store.searchChunks("password", limit: 3, category: "Billing").isEmpty)
            #expect(try await store.searchChunks("password", limit: 3, category: "Account").map(\.articleID) == ["KB-3"])
            // Query text is never FTS syntax.
            #expect(try await store.searchChunks("\"unbalanced OR NEAR( *", limit: 3, category: nil).isEmpty)
            #expect(try await store.searchChunks("", limit: 3, category: nil).isEmpty)
        }
    }



}

/// Vectors, part of the store contract.
@Suite struct StoredVectorTests {
    @Test(arguments: StoreUnderTest.searchAndFeed)
    func vectorsFollowTheirItemsAndTicketSearchFindsResolvedOnes(_ backend: StoreUnderTest) async throws {
        try await backend.with((any SearchAndFeedStore).self) { store in
            let run = try await store.beginIngest(kind: .kb, source: "/kb", sourceHash: "h")
            let body = "Refunds take five business days."
            let article = Article(externalID: "KB-1", title: "Refunds", body: body, category: "Billing")
            try await store.commit(IngestBatch(runID: run.id, position: 3, read: 3,
                tickets: [
                    Ticket(externalID: "T-1", subject: "Refund please", body: "I want my money back", status: .resolved,
                           resolution: "Refunded to your card."),
                    Ticket(externalID: "T-2", subject: "Refund?", body: "Where is my refund", status: .open),
                ],
                articles: [ChunkedArticle(article: article, chunks: Chunker().chunks(of: body, title: "Refunds"))]))

            let chunks = try await store.itemsNeedingEmbedding(.chunk, model: "m", limit: 10)
            #expect(chunks.map(\.text) == ["Refunds\nRefunds take five business days."])
            let tickets = try await store.itemsNeedingEmbedding(.ticket, model: "m", limit: 10)
            #expect(tickets.map(\.text) == ["Refund please\nI want my money back", "Refund?\nWhere is my refund"])

            try await store.saveEmbeddings(.chunk, chunks.map { ($0.id, [0.6, 0.8]) }, model: "m")
            try await store.saveEmbeddings(.ticket, tickets.map { ($0.id, [1, 0]) }, model: "m")
            #expect(try await store.itemsNeedingEmbedding(.chunk, model: "m", limit: 10).isEmpty)
            #expect(try await store.itemsNeedingEmbedding(.chunk, model: "other", limit: 10).count == 1)
            let stored = try await store.vectors(.ticket, model: "m")
            #expect(stored.map(\.resolved) == [true, false] && stored[0].vector == [1, 0])
            #expect(try await store.vectors(.chunk, model: "m").first?.category == "Billing")

            // Editing the article replaces its chunks and drops their vectors; editing a ticket drops its vector.
            var edited = article
            edited.body = "Refunds now take three days."
            try await store.commit(IngestBatch(runID: run.id, position: 5, read: 2,
                tickets: [Ticket(externalID: "T-2", subject: "Refund?", body: "Where is my refund, order 42", status: .open)],
                articles: [ChunkedArticle(article: edited, chunks: Chunker().chunks(of: edited.body, title: "Refunds"))]))
            #expect(try await store.vectors(.chunk, model: "m").isEmpty)
            #expect(try await store.vectors(.ticket, model: "m").count == 1)

            let similar = try await store.searchTickets("refund my money", limit: 5, resolvedOnly: true)
            #expect(similar.map(\.ticket.externalID) == ["T-1"])
            #expect(similar.first?.ticket.resolution == "Refunded to your card.")
            #expect(try await store.searchTickets("refund", limit: 5, resolvedOnly: false).count == 2)
        }
    }
}

/// The change feed and nearest-neighbour search, part of the store contract: what indexes follow instead of
/// reloading, and what dense search asks.
@Suite struct ChangeFeedAndNearestTests {
    private func ids(_ store: any SearchAndFeedStore, _ kind: EmbeddedKind) async throws -> [String: Int64] {
        let pending = try await store.itemsNeedingEmbedding(kind, model: "probe", limit: 100)
        return Dictionary(uniqueKeysWithValues: pending.map { ($0.text.components(separatedBy: "\n").first!, $0.id) })
    }

    @Test(arguments: StoreUnderTest.searchAndFeed)
    func theFeedListsEachChangedItemOnceAtItsLatestChange(_ backend: StoreUnderTest) async throws {
        try await backend.with((any SearchAndFeedStore).self) { store in
            #expect(try await store.latestChange(.ticket) == 0)
            let run = try await store.beginIngest(kind: .tickets, source: "/t", sourceHash: "h")
            try await store.commit(IngestBatch(runID: run.id, position: 2, read: 2, tickets: [
                Ticket(externalID: "A", subject: "A", body: "one"), Ticket(externalID: "B", subject: "B", body: "two")]))
            let id = try await ids(store, .ticket)
            let first = try await store.changes(.ticket, since: 0, limit: 10)
            #expect(first.map(\.itemID) == [id["A"]!, id["B"]!])
            #expect(first.map(\.sequence) == first.map(\.sequence).sorted() && first.allSatisfy { $0.kind == .ticket })
            let mark = try await store.latestChange(.ticket)
            #expect(mark == first.last?.sequence)
            #expect(try await store.changes(.ticket, since: mark, limit: 10).isEmpty)

            // A vector and an edit of A, then B: each item once, in the order of its latest change.
            try await store.saveEmbeddings(.ticket, [(id["A"]!, [1, 0])], model: "m")
            try await store.upsertTicket(Ticket(externalID: "B", subject: "B", body: "two, edited"), actor: "test")
            try await store.upsertTicket(Ticket(externalID: "A", subject: "A", body: "one", status: .resolved), actor: "test")
            let next = try await store.changes(.ticket, since: mark, limit: 10)
            #expect(next.map(\.itemID) == [id["B"]!, id["A"]!])
            #expect(try await store.changes(.ticket, since: mark, limit: 1).map(\.itemID) == [id["B"]!], "a page")
            #expect(try await store.changes(.chunk, since: 0, limit: 10).isEmpty, "kinds are fed apart")

            // Chunks: ingest, then an article's category change reaches every chunk of it.
            let body = "Refunds take five days.\n\nCards are charged monthly."
            let article = Article(externalID: "KB-1", title: "Billing", body: body, category: "Billing", tags: [])
            let kb = try await store.beginIngest(kind: .kb, source: "/kb", sourceHash: "k")
            try await store.commit(IngestBatch(runID: kb.id, position: 1, read: 1, articles: [
                ChunkedArticle(article: article, chunks: Chunker(maxLength: 30, minLength: 5, overlap: 0).chunks(of: body, title: "Billing"))]))
            let chunks = try await store.changes(.chunk, since: 0, limit: 10)
            #expect(!chunks.isEmpty)
            let chunkMark = try await store.latestChange(.chunk)
            var moved = article
            moved.category = "Payments"
            let kb2 = try await store.beginIngest(kind: .kb, source: "/kb", sourceHash: "k2")
            try await store.commit(IngestBatch(runID: kb2.id, position: 1, read: 1, articles: [
                ChunkedArticle(article: moved, chunks: Chunker(maxLength: 30, minLength: 5, overlap: 0).chunks(of: body, title: "Billing"))]))
            #expect(try await store.changes(.chunk, since: chunkMark, limit: 10).count >= chunks.count)
        }
    }

    @Test(arguments: StoreUnderTest.searchAndFeed)
    func nearestRanksByCosineFiltersAndFollowsEveryChange(_ backend: StoreUnderTest) async throws {
        try await backend.with((any SearchAndFeedStore).self) { store in
            let run = try await store.beginIngest(kind: .tickets, source: "/t", sourceHash: "h")
            try await store.commit(IngestBatch(runID: run.id, position: 3, read: 3, tickets: [
                Ticket(externalID: "A", subject: "A", body: "one", status: .resolved),
                Ticket(externalID: "B", subject: "B", body: "two", status: .open),
                Ticket(externalID: "C", subject: "C", body: "three", status: .closed)]))
            let id = try await ids(store, .ticket)
            let (a, b, c) = (id["A"]!, id["B"]!, id["C"]!)
            try await store.saveEmbeddings(.ticket, [(a, [1, 0]), (b, [0.8, 0.6]), (c, [0, 1])], model: "m")
            try await store.saveEmbeddings(.ticket, [(c, [1, 0, 0])], model: "wide")
            func nearest(_ query: [Float], k: Int = 3, resolvedOnly: Bool = false, model: String = "m") async throws -> [Int64] {
                try await store.nearest(.ticket, to: query, model: model, k: k, filter: NearestFilter(resolvedOnly: resolvedOnly)).map(\.id)
            }
            #expect(try await nearest([1, 0]) == [a, b, c])
            let scored = try await store.nearest(.ticket, to: [1, 0], model: "m", k: 2, filter: .none)
            #expect(scored.map(\.id) == [a, b] && abs(scored[0].similarity - 1) < 1e-6 && abs(scored[1].similarity - 0.8) < 1e-6)
            #expect(try await nearest([1, 0], resolvedOnly: true) == [a, c])
            #expect(try await nearest([1, 0, 0], model: "wide") == [c], "each model's vectors apart")
            #expect(try await nearest([1, 0], model: "none").isEmpty)
            await #expect(throws: EmbeddingDimensionError.self) { _ = try await nearest([1, 0, 0]) }

            // Changes after the first search are seen by the next one: B resolved, A edited (its vector goes), D added.
            try await store.upsertTicket(Ticket(externalID: "B", subject: "B", body: "two", status: .resolved), actor: "test")
            try await store.upsertTicket(Ticket(externalID: "A", subject: "A", body: "one, edited", status: .resolved), actor: "test")
            #expect(try await nearest([1, 0], resolvedOnly: true) == [b, c])
            try await store.upsertTicket(Ticket(externalID: "D", subject: "D", body: "four", status: .resolved), actor: "test")
            let d = try await ids(store, .ticket)["D"]!
            try await store.saveEmbeddings(.ticket, [(d, [0.6, 0.8]), (a, [-1, 0])], model: "m")
            #expect(try await nearest([0, 1], k: 4) == [c, d, b, a])

            // Chunks: filtered by their article's category, following a move to another category.
            let body = "Refunds take five days."
            let article = Article(externalID: "KB-1", title: "Refunds", body: body, category: "Billing", tags: [])
            let kb = try await store.beginIngest(kind: .kb, source: "/kb", sourceHash: "k")
            try await store.commit(IngestBatch(runID: kb.id, position: 1, read: 1, articles: [
                ChunkedArticle(article: article, chunks: Chunker().chunks(of: body, title: "Refunds"))]))
            let chunk = try #require(try await store.itemsNeedingEmbedding(.chunk, model: "m", limit: 5).first?.id)
            try await store.saveEmbeddings(.chunk, [(chunk, [1, 0])], model: "m")
            func chunks(in category: String) async throws -> [Int64] {
                try await store.nearest(.chunk, to: [1, 0], model: "m", k: 3, filter: NearestFilter(category: category)).map(\.id)
            }
            #expect(try await chunks(in: "Billing") == [chunk])
            #expect(try await chunks(in: "Account").isEmpty)
            var moved = article
            moved.category = "Account"
            let kb2 = try await store.beginIngest(kind: .kb, source: "/kb", sourceHash: "k2")
            try await store.commit(IngestBatch(runID: kb2.id, position: 1, read: 1, articles: [
                ChunkedArticle(article: moved, chunks: Chunker().chunks(of: body, title: "Refunds"))]))
            #expect(try await chunks(in: "Billing").isEmpty, "an edited article's chunks are replaced, their vectors gone")
            let replaced = try #require(try await store.itemsNeedingEmbedding(.chunk, model: "m", limit: 5).first?.id)
            try await store.saveEmbeddings(.chunk, [(replaced, [1, 0])], model: "m")
            #expect(try await chunks(in: "Account") == [replaced])
        }
    }
}

/// Predictions, part of the store contract.
@Suite struct PredictionStoreTests {
    @Test(arguments: StoreUnderTest.operations)
    func predictionsAreRecordedPerModelAndTicketsAwaitTriageOncePerModel(_ backend: StoreUnderTest) async throws {
        try await backend.with((any OperationsStore).self) { store in
            let run = try await store.beginIngest(kind: .tickets, source: "/t", sourceHash: "h")
            try await store.commit(IngestBatch(runID: run.id, position: 2, read: 2, tickets: [
                Ticket(externalID: "A", body: "refund please", createdAt: Date(timeIntervalSince1970: 100)),
                Ticket(externalID: "B", body: "app crashes", createdAt: Date(timeIntervalSince1970: 200)),
            ]))
            #expect(try await store.ticketsAwaitingTriage(modelVersion: "v1", limit: 10).map(\.externalID) == ["A", "B"])
            let prediction = StoredPrediction(ticketExternalID: "A", modelVersion: "v1", category: nil, queue: nil,
                                              suggestedCategory: "Billing", confidence: 0.3, abstained: true,
                                              priority: .p3, details: "{}")
            try await store.savePredictions([prediction])
            #expect(try await store.ticketsAwaitingTriage(modelVersion: "v1", limit: 10).map(\.externalID) == ["B"])
            #expect(try await store.ticketsAwaitingTriage(modelVersion: "v2", limit: 10).count == 2)
            let saved = try await store.predictions(ticketExternalID: "A")
            #expect(saved.count == 1 && saved[0].abstained && saved[0].suggestedCategory == "Billing" && saved[0].priority == .p3)
            await #expect(throws: StoreError.self) {
                var unknown = prediction
                unknown.ticketExternalID = "nope"
                try await store.savePredictions([unknown])
            }
        }
    }
}

/// The inbox list, the API's audited upsert and the search settings, part of the store contract.
@Suite struct TicketListAndSettingsTests {
    @Test(arguments: StoreUnderTest.searchAndFeed)
    func theInboxFiltersOrdersAndPagesAndTheAPIsUpsertsAreAudited(_ backend: StoreUnderTest) async throws {
        try await backend.with((any SearchAndFeedStore).self) { store in
            func at(_ day: Double) -> Date { Date(timeIntervalSince1970: 1_760_000_000 + day * 86_400) }
            try await store.upsertTicket(Ticket(externalID: "A", subject: "Refund", body: "Charged twice for my order",
                                                language: "es-MX", category: "Billing", priority: .p2, status: .open,
                                                createdAt: at(0)), actor: "key:agent")
            try await store.upsertTicket(Ticket(externalID: "B", subject: "Crash", body: "The app crashes on start",
                                                language: "en", category: "Technical", priority: .p1, status: .resolved,
                                                createdAt: at(1), resolution: "Update to 5.2"), actor: "key:agent")
            try await store.upsertTicket(Ticket(externalID: "C", subject: "Refund again", body: "Charged twice, still no refund",
                                                language: "es", category: "Billing", priority: .p3, status: .open,
                                                createdAt: at(2)), actor: "key:agent")
            func list(_ query: TicketQuery) async throws -> [String] { try await store.tickets(query).map(\.ticket.externalID) }
            #expect(try await list(TicketQuery()) == ["C", "B", "A"], "newest first")
            #expect(try await list(TicketQuery(limit: 1, offset: 1)) == ["B"], "a page")
            #expect(try await list(TicketQuery(status: .open)) == ["C", "A"])
            #expect(try await list(TicketQuery(category: "Technical")) == ["B"])
            #expect(try await list(TicketQuery(priority: .p2)) == ["A"])
            #expect(try await list(TicketQuery(language: "es")) == ["C", "A"], "es also matches es-MX")
            #expect(try await list(TicketQuery(text: "charged twice refund")) == ["C", "A"], "every word")
            #expect(try await list(TicketQuery(text: "charged crashes")).isEmpty)
            #expect(try await list(TicketQuery(createdSince: at(1))) == ["C", "B"])
            #expect(try await list(TicketQuery(order: .slaDeadline)) == ["A", "C", "B"], "open ones by deadline, answered last")
            #expect(try await list(TicketQuery(slaRisk: .breached)) == ["C", "A"], "created in 2025: long overdue")
            #expect(try await store.tickets(TicketQuery()).allSatisfy { $0.prediction == nil })

            // The same ticket again changes nothing and is not audited; an edit is.
            try await store.upsertTicket(Ticket(externalID: "A", subject: "Refund", body: "Charged twice for my order",
                                                language: "es-MX", category: "Billing", priority: .p2, status: .open,
                                                createdAt: at(0)), actor: "key:agent")
            try await store.upsertTicket(Ticket(externalID: "A", subject: "Refund", body: "Charged twice for my order",
                                                language: "es-MX", category: "Billing", priority: .p2, status: .resolved,
                                                createdAt: at(0), resolution: "Refunded"), actor: "key:lead")
            let log = try await store.auditLog(limit: 10)
            #expect(log.map(\.action) == ["ticket.update", "ticket.create", "ticket.create", "ticket.create"])
            #expect(log.first?.actor == "key:lead" && log.first?.target == "A")
            #expect(try await store.ticket(externalID: "A")?.resolution == "Refunded")
            let hits = try await store.ticketHits(ids: try await store.searchTickets("refund", limit: 5, resolvedOnly: true).map(\.ticketID))
            #expect(hits.values.map(\.ticket.externalID) == ["A"], "resolved now")
        }
    }

    @Test(arguments: StoreUnderTest.searchAndFeed)
    func searchSettingsAreKeptPerKnowledgeBaseStateAndTheLatestIsFound(_ backend: StoreUnderTest) async throws {
        try await backend.with((any SearchAndFeedStore).self) { store in
            #expect(try await store.latestSearchSettings() == nil)
            let first = SearchSettings(kbHash: "kb1", model: "m", method: "convex", keywordWeight: 0.3, pseudoQueries: 40,
                                       chunks: 120, chosenAt: Date(timeIntervalSince1970: 1_760_000_000),
                                       candidates: ["convex:0.3": 0.71, "rrf": 0.69])
            var second = first
            second.kbHash = "kb2"
            second.method = "rrf"
            try await store.saveSearchSettings(first)
            try await store.saveSearchSettings(second)
            #expect(try await store.searchSettings(kbHash: "kb1") == first)
            #expect(try await store.latestSearchSettings() == second, "equal times: the one saved last")
            var replaced = first
            replaced.keywordWeight = 0.5
            try await store.saveSearchSettings(replaced)
            #expect(try await store.searchSettings(kbHash: "kb1") == replaced)
            #expect(try await store.latestSearchSettings() == replaced)
            #expect(try await store.searchSettings(kbHash: "nope") == nil)
        }
    }
}

/// Keys and sessions, drafts and their verdicts, route corrections and the analytics page, part of the store
/// contract.
@Suite struct OperationsStoreTests {
    @Test(arguments: StoreUnderTest.operations)
    func keysAndSessionsLiveUntilRevokedOrExpiredAndEveryChangeIsAudited(_ backend: StoreUnderTest) async throws {
        try await backend.with((any OperationsStore).self) { store in
            let created = Date(timeIntervalSince1970: 1_760_000_000)
            let lead = APIKey(id: "lead1", name: "Lead", role: .lead, createdAt: created)
            let agent = APIKey(id: "agent1", name: "Agent", role: .agent, createdAt: created.addingTimeInterval(60))
            try await store.createAPIKey(lead, secretHash: "hash-lead", actor: "cli")
            try await store.createAPIKey(agent, secretHash: "hash-agent", actor: "key:lead1")
            #expect(try await store.apiKey(secretHash: "hash-agent") == agent)
            #expect(try await store.apiKey(secretHash: "nope") == nil)
            #expect(try await store.apiKeys().map(\.id) == ["lead1", "agent1"])
            await #expect(throws: (any Error).self) {
                try await store.createAPIKey(APIKey(id: "lead1", name: "again", role: .admin, createdAt: created),
                                             secretHash: "other", actor: "cli")
            }

            let session = UISession(keyID: "agent1", csrfToken: "csrf", createdAt: created, expiresAt: created.addingTimeInterval(3600))
            try await store.createSession(session, idHash: "session-hash-0123456789")
            let found = try await store.session(idHash: "session-hash-0123456789", now: created.addingTimeInterval(60))
            #expect(found?.session == session && found?.key == agent)
            #expect(try await store.session(idHash: "session-hash-0123456789", now: created.addingTimeInterval(3600)) == nil,
                    "expired")
            #expect(try await store.endSession(idHash: "session-hash-0123456789"))
            #expect(try await !store.endSession(idHash: "session-hash-0123456789"))

            try await store.createSession(session, idHash: "second-session")
            #expect(try await store.revokeAPIKey(id: "agent1", actor: "key:lead1"))
            #expect(try await !store.revokeAPIKey(id: "agent1", actor: "key:lead1"), "already revoked")
            #expect(try await store.apiKey(secretHash: "hash-agent") == nil)
            #expect(try await store.session(idHash: "second-session", now: created.addingTimeInterval(60)) == nil,
                    "a revoked key's sessions end")
            #expect(try await store.apiKeys().first { $0.id == "agent1" }?.revokedAt != nil)
            let log = try await store.auditLog(limit: 10)
            #expect(log.map(\.action) == ["key.revoke", "session.start", "session.end", "session.start", "key.create", "key.create"])
            #expect(log[1].actor == "key:agent1" && log[1].target == "second-sessi")
        }
    }

    @Test(arguments: StoreUnderTest.operations)
    func draftsVerdictsCorrectionsAndAnalyticsCountOneLatestVerdictPerDraft(_ backend: StoreUnderTest) async throws {
        try await backend.with((any OperationsStore).self) { store in
            let now = Date()
            let run = try await store.beginIngest(kind: .tickets, source: "/t", sourceHash: "h")
            try await store.commit(IngestBatch(runID: run.id, position: 3, read: 3, tickets: [
                Ticket(externalID: "A", body: "refund", category: "Billing", priority: .p2, status: .open, createdAt: now),
                Ticket(externalID: "B", body: "crash", category: "Technical", priority: .p1, status: .resolved, createdAt: now),
                Ticket(externalID: "C", body: "login", status: .open, createdAt: now.addingTimeInterval(-40 * 86_400)),
            ]))
            func draft(_ id: String, kind: String, at offset: TimeInterval) -> StoredDraft {
                StoredDraft(id: id, ticketExternalID: "A", kind: kind, model: kind == "llm" ? "qwen" : nil, promptVersion: "p1",
                            text: "Draft \(id)", grounded: true, fallbackReason: nil, details: "{}",
                            createdAt: Date(timeIntervalSince1970: 1_760_000_000 + offset))
            }
            try await store.saveDraft(draft("d1", kind: "composed", at: 0))
            try await store.saveDraft(draft("d2", kind: "llm", at: 10))
            try await store.saveDraft(draft("d3", kind: "llm", at: 10))
            #expect(try await store.drafts(ticketExternalID: "A", limit: 5).map(\.id) == ["d3", "d2", "d1"], "newest first, ties by save order")
            #expect(try await store.drafts(ticketExternalID: "A", limit: 1).map(\.id) == ["d3"])
            #expect(try await store.draft(id: "d2") == draft("d2", kind: "llm", at: 10))
            #expect(try await store.draft(id: "nope") == nil)

            try await store.saveFeedback(DraftFeedback(draftID: "d2", verdict: .accepted, finalText: nil, reason: nil, editDistance: nil, actor: "key:agent1"))
            try await store.saveFeedback(DraftFeedback(draftID: "d2", verdict: .edited, finalText: "Better", reason: nil, editDistance: 0.25,
                                                       actor: "key:agent1"))
            try await store.saveFeedback(DraftFeedback(draftID: "d1", verdict: .rejected, finalText: nil, reason: "wrong article", editDistance: nil,
                                                       actor: "key:agent1"))
            await #expect(throws: StoreError.self) {
                try await store.saveFeedback(DraftFeedback(draftID: "nope", verdict: .accepted, finalText: nil, reason: nil, editDistance: nil,
                                                           actor: "key:agent1"))
            }
            let latest = try await store.latestFeedback(draftID: "d2")
            #expect(latest?.verdict == .edited && latest?.finalText == "Better" && latest?.editDistance == 0.25)
            #expect(try await store.latestFeedback(draftID: "d3") == nil)

            try await store.saveCorrection(RouteCorrection(ticketExternalID: "A", category: "Account", priority: nil,
                                                           predictedCategory: "Billing", predictedPriority: .p2,
                                                           modelVersion: "v1", actor: "key:agent1"))
            try await store.saveCorrection(RouteCorrection(ticketExternalID: "B", category: nil, priority: .p2,
                                                           predictedCategory: "Technical", actor: "key:agent1"))
            await #expect(throws: StoreError.self) {
                try await store.saveCorrection(RouteCorrection(ticketExternalID: "nope", category: "X", priority: nil, actor: "a"))
            }
            let a = try await store.ticket(externalID: "A")
            #expect(a?.category == "Account" && a?.priority == .p2, "the correction applied, the unset field kept")
            #expect(try await store.ticket(externalID: "B")?.priority == .p2)
            #expect(try await store.auditLog(limit: 1).first?.details == "category Technical → unchanged, priority – → P2")

            let analytics = try await store.analytics(days: 30)
            #expect(analytics.ticketsByDay.map(\.count).reduce(0, +) == 2, "C is older than 30 days")
            #expect(Set(analytics.ticketsByCategory.map(\.key)) == ["none", "Account", "Technical"], "one each (in any order)")
            #expect(analytics.ticketsByCategory.allSatisfy { $0.count == 1 })
            #expect(analytics.ticketsByPriority == [.init(key: "none", count: 1), .init(key: "P2", count: 2)])
            #expect(analytics.openByPriority == [.init(key: "none", count: 1), .init(key: "P2", count: 1)])
            #expect(analytics.correctedRoutes == 2 && analytics.routesConfirmed == 1)
            #expect(analytics.draftVerdicts == [.init(key: "edited", count: 1), .init(key: "rejected", count: 1)])
            #expect(analytics.meanEditDistance == 0.25)
            #expect(analytics.drafts == 3 && analytics.extractiveDrafts == 0)
            #expect(analytics.draftPaths.map(\.path) == ["llm", "composed"])
            #expect(analytics.draftPaths.first?.usage == AnswerUsage(drafts: 2, accepted: 0, edited: 1, rejected: 0, meanEditDistance: 0.25))
            try await store.ping()
            #expect(try await store.counts() == StoreCounts(tickets: 3, articles: 0, chunks: 0, quarantined: 0, ingestRuns: 1))
        }
    }
}

/// The model lifecycle records, part of the store contract: runs, versions, evaluations, frozen sets, aliases
/// moved by compare-and-set, their history, and shadow predictions.
@Suite struct ModelLifecycleConformanceTests {
    private func run(_ version: String) -> TrainingRun {
        TrainingRun(family: "router", modelVersion: version, startedAt: Date(timeIntervalSince1970: 1_760_000_000),
                    durationSeconds: 1.5, codeVersion: "test", parameters: ["l2": "1e-5"],
                    trainingData: DatasetReference(path: "/d", sha256: "d", examples: 10),
                    evaluationSet: DatasetReference(path: "/e", sha256: "e", examples: 5),
                    validation: ModelMetrics(n: 2, accuracy: 0.5),
                    evaluation: ModelMetrics(n: 5, accuracy: 0.6, p1Recall: 1, p1Support: 1),
                    artifactPath: "/a/\(version)", artifactSHA256: "s", actor: "t")
    }

    @Test(arguments: StoreUnderTest.allCases)
    func runsVersionsEvaluationsAliasesAndShadowsAreRecordedAndAliasesMoveByCompareAndSet(_ backend: StoreUnderTest) async throws {
        try await backend.with((any StoreBackend).self) { store in
            let a = try await store.recordTrainingRun(run("A")), b = try await store.recordTrainingRun(run("B"))
            #expect(a.id > 0 && b.id != a.id)
            var expectedA = run("A")
            expectedA.id = a.id
            #expect(try await store.trainingRun(id: a.id) == expectedA, "every field back, the evaluation included")
            #expect(try await store.trainingRun(modelVersion: "B")?.id == b.id)
            #expect(try await store.trainingRuns(family: "router", limit: 5).map(\.modelVersion) == ["B", "A"])
            #expect(try await store.trainingRun(id: 999) == nil)
            await #expect(throws: (any Error).self) { _ = try await store.recordTrainingRun(run("A")) }

            try await store.recordEvaluation(modelVersion: "A", evaluationSetSHA256: "other", metrics: ModelMetrics(n: 9, accuracy: 0.9))
            try await store.recordEvaluation(modelVersion: "A", evaluationSetSHA256: "other", metrics: ModelMetrics(n: 9, accuracy: 0.8))
            #expect(try await store.evaluation(modelVersion: "A", evaluationSetSHA256: "other")?.accuracy == 0.8)
            #expect(try await store.evaluation(modelVersion: "A", evaluationSetSHA256: "none") == nil)

            #expect(try await store.frozenEvaluationSet(family: "router") == nil)
            let frozen = FrozenEvaluationSet(family: "router", dataset: DatasetReference(path: "/e", sha256: "e1", examples: 5),
                                             frozenAt: Date(timeIntervalSince1970: 1_760_000_000), actor: "lead")
            try await store.freezeEvaluationSet(frozen, reason: "first")
            var again = frozen
            again.dataset.sha256 = "e2"
            try await store.freezeEvaluationSet(again, reason: "new tickets")
            #expect(try await store.frozenEvaluationSet(family: "router") == again)
            #expect(try await store.auditLog(limit: 2).map(\.action) == ["evalset.refreeze", "evalset.freeze"])

            func move(_ version: String?, from previous: String?, _ alias: ModelAlias = .champion) -> AliasChange {
                AliasChange(family: "router", alias: alias, version: version, previousVersion: previous, action: .promote,
                            actor: "lead", reason: "why", at: Date(timeIntervalSince1970: 1_760_000_100))
            }
            try await store.moveAlias(move("A", from: nil))
            await #expect(throws: StoreError.self) { try await store.moveAlias(move("B", from: nil)) }
            await #expect(throws: StoreError.self) { try await store.moveAlias(move("Z", from: "A")) }
            try await store.moveAlias(move("B", from: "A"))
            try await store.moveAlias(move("A", from: nil, .challenger))
            try await store.moveAlias(move(nil, from: "A", .challenger))
            #expect(try await store.aliases(family: "router") == [.champion: "B"])
            #expect(try await store.aliasHistory(family: "router") == [
                move("A", from: nil), move("B", from: "A"), move("A", from: nil, .challenger), move(nil, from: "A", .challenger)])
            #expect(try await store.auditLog(limit: 1).first?.action == "model.challenger.promote")

            let ingest = try await store.beginIngest(kind: .tickets, source: "/t", sourceHash: "h")
            try await store.commit(IngestBatch(runID: ingest.id, position: 1, read: 1, tickets: [Ticket(externalID: "T", body: "b")]))
            let champion = ShadowDecision(category: "Billing", abstained: false, confidence: 0.9, priority: .p2)
            var shadow = ShadowPrediction(ticketExternalID: "T", championVersion: "B", challengerVersion: "A", champion: champion,
                                          challenger: ShadowDecision(category: "Account", abstained: true, confidence: 0.4, priority: nil),
                                          correctedCategory: nil, correctedPriority: nil, at: Date(timeIntervalSince1970: 1_760_000_200))
            try await store.saveShadowPrediction(shadow)
            shadow.challenger.confidence = 0.5
            try await store.saveShadowPrediction(shadow)
            try await store.saveCorrection(RouteCorrection(ticketExternalID: "T", category: "Account", priority: nil, actor: "agent"))
            let shadows = try await store.shadowPredictions(challengerVersion: "A", limit: 5)
            shadow.correctedCategory = "Account"
            #expect(shadows == [shadow], "one row per ticket and challenger, with the ticket's latest correction")
            await #expect(throws: StoreError.self) {
                var unknown = shadow
                unknown.ticketExternalID = "nope"
                try await store.saveShadowPrediction(unknown)
            }
        }
    }

    @Test(arguments: StoreUnderTest.allCases)
    func sharedFilesAreReplacedByPathListedByFolderAndRestoredIntoAnEmptyHome(_ backend: StoreUnderTest) async throws {
        try await backend.with((any StoreBackend).self) { store in
            let trainer = try TestSupport.temporaryDirectory("shared-files-a")
            let version = trainer.appendingPathComponent("models/router/router-1")
            try FileManager.default.createDirectory(at: version, withIntermediateDirectories: true)
            try #"{"weights": [0.5]}"#.write(to: version.appendingPathComponent("router.json"), atomically: true, encoding: .utf8)
            try "# Model card ✓".write(to: version.appendingPathComponent("MODEL_CARD.md"), atomically: true, encoding: .utf8)
            try await store.publishFolder("models/router/router-1", home: trainer)
            try await store.saveSharedFiles([SharedFile(path: "models/router/router-10/router.json", text: "{}")])

            let listed = try await store.sharedFiles(under: "models/router/router-1/")
            #expect(listed.map(\.path) == ["models/router/router-1/MODEL_CARD.md", "models/router/router-1/router.json"],
                    "ordered by path, and router-10 is not under router-1/")
            #expect(listed.first?.text == "# Model card ✓" && listed.first?.sha256 == ContentHash.sha256("# Model card ✓"))
            try await store.saveSharedFiles([SharedFile(path: "models/router/router-1/MODEL_CARD.md", text: "# Card v2")])
            #expect(try await store.sharedFiles(under: "models/router/router-1/").first?.text == "# Card v2", "replaced by path")
            #expect(try await store.sharedFiles(under: "monitor/").isEmpty)

            // Another replica's home holds nothing: it gets the folder from the store, byte for byte.
            let replica = try TestSupport.temporaryDirectory("shared-files-b")
            #expect(try await store.restoreFolder("models/router/router-1", home: replica))
            #expect(try String(contentsOf: replica.appendingPathComponent("models/router/router-1/router.json"), encoding: .utf8)
                    == #"{"weights": [0.5]}"#)
            #expect(try await !store.restoreFolder("models/router/router-2", home: replica), "nothing stored for it")

            // A stored text that no longer matches its hash is never written into a home.
            try await store.saveSharedFiles([SharedFile(path: "monitor/report.json", text: "{}", sha256: "0", savedAt: Date())])
            await #expect(throws: StoreError.self) { try await store.restoreFolder("monitor", home: replica) }
            #expect(!FileManager.default.fileExists(atPath: replica.appendingPathComponent("monitor/report.json").path))
        }
    }
}

/// What search and the feed need of a store: tickets, the knowledge base, vectors and the change feed (with
/// ingest and the audit log to fill and check them).
typealias SearchAndFeedStore = IngestStore & AuditStore & TicketStore & KnowledgeBaseStore & EmbeddingStore & ChangeFeed
/// Those and the rest of the daily work: predictions, drafts, keys and sessions, status and analytics.
typealias OperationsStore = SearchAndFeedStore & PredictionStore & DraftStore & AccessStore & StatusStore

/// The backends the store contract runs on. SQLite always; PostgreSQL (opened on a fresh database of
/// `LOCALTRIAGE_TEST_POSTGRES_URL`) for the protocols it implements so far, when that server is set.
enum StoreUnderTest: String, Sendable, CustomTestStringConvertible {
    case sqlite
    case postgres

    var testDescription: String { rawValue }

    /// The backends that implement every store protocol (`StoreBackend`): both (PostgreSQL when its server is set).
    static var allCases: [StoreUnderTest] { [.sqlite] + (TestSupport.postgresURL == nil ? [] : [.postgres]) }
    /// The backends that implement `IngestStore` and `AuditStore`.
    static var ingestAndAudit: [StoreUnderTest] { allCases }
    /// The backends that implement `SearchAndFeedStore` (tickets, the knowledge base, vectors and the feed).
    static var searchAndFeed: [StoreUnderTest] { allCases }
    /// The backends that implement `OperationsStore` (all but the model lifecycle and saved answers).
    static var operations: [StoreUnderTest] { allCases }

    /// A new, empty SQLite store (PostgreSQL's needs its pool running: use `with`).
    func open() throws -> any StoreBackend {
        let home = try TestSupport.temporaryDirectory("store-\(rawValue)")
        switch self {
        case .sqlite: return try StoreConfiguration(url: "sqlite:store.sqlite", home: home).openSQLite()
        case .postgres: throw StoreError("a PostgreSQL store runs inside `with`, which runs its pool")
        }
    }

    /// Runs `body` with a new, empty store of this backend seen as `Protocols` (an existential such as
    /// `(any IngestStore & AuditStore).self`); PostgreSQL's pool runs meanwhile.
    func with<Protocols>(_: Protocols.Type, _ body: @Sendable (Protocols) async throws -> Void) async throws {
        switch self {
        case .sqlite:
            let store = try open()
            guard let typed = store as? Protocols else { throw StoreError("SQLiteStore is not a \(Protocols.self)") }
            try await body(typed)
        case .postgres:
            try await PostgresTestDatabase.withStore { store, _ in
                guard let typed = store as? Protocols else { throw StoreError("PostgresStore is not a \(Protocols.self)") }
                try await body(typed)
            }
        }
    }
}
