import Domain
import Embeddings
import Foundation
import Search
import Store
import TestSupport
import Testing

/// The real all-MiniLM-L6-v2 (nil when `make setup` has not installed it), for the search tests that embed.
let encoder: SentenceEncoder? = {
    guard let directory = try? ModelLocator.miniLM(root: TestSupport.repositoryRoot) else { return nil }
    return try? SentenceEncoder(modelDirectory: directory)
}()

@Suite struct SimilarTicketsTests {
    @Test(.enabled(if: encoder != nil, "all-MiniLM-L6-v2 is not installed: run make setup"))
    func findsResolvedTicketsByMeaningNotJustWords() async throws {
        let encoder = try #require(encoder)
        let store = try SQLiteStore(home: try TestSupport.temporaryDirectory("similar"))
        let run = try await store.beginIngest(kind: .tickets, source: "/t", sourceHash: "h")
        try await store.commit(IngestBatch(runID: run.id, position: 4, read: 4, tickets: [
            Ticket(externalID: "T-1", subject: "Billed two times", body: "My card shows the same payment twice.",
                   status: .resolved, resolution: "Refunded the duplicate charge."),
            Ticket(externalID: "T-2", subject: "Dark mode", body: "Please add a dark theme.", status: .resolved,
                   resolution: "Added to the roadmap."),
            Ticket(externalID: "T-3", subject: "Charged twice", body: "Double payment on my card this month.",
                   status: .open),
            Ticket(externalID: "T-4", subject: "Login", body: "I cannot sign in.", status: .closed,
                   resolution: "Reset the password."),
        ]))
        try await EmbeddingIndexer(store: store, embedder: encoder).indexMissing(.ticket)
        let similar = try await SimilarTickets(store: store, embedder: encoder)
        // No word in common with T-1 beyond "my": the dense side finds it.
        let hits = try await similar.similar(to: "I was charged double for my subscription", k: 2)
        #expect(hits.first?.ticket.externalID == "T-1")
        #expect(hits.allSatisfy { $0.ticket.status?.isResolved == true })
        let everything = try await similar.similar(to: "charged twice on my card", k: 4, resolvedOnly: false)
        #expect(Set(everything.prefix(2).map(\.ticket.externalID)) == ["T-1", "T-3"])
        // Keyword-only when no encoder is configured.
        let keyword = try await SimilarTickets(store: store, embedder: nil).similar(to: "dark theme", k: 3)
        #expect(keyword.map(\.ticket.externalID) == ["T-2"])
    }

    /// What it follows, not what it understands: a deterministic embedder (no model files needed).
    @Test func followsTicketsAddedOrChangedAfterItWasBuilt() async throws {
        let encoder = HashingTestEmbedder()
        let store = try SQLiteStore(home: try TestSupport.temporaryDirectory("similar-live"))
        try await store.upsertTicket(Ticket(externalID: "T-2", subject: "Dark mode", body: "Please add a dark theme.",
                                            status: .resolved, resolution: "Added to the roadmap."), actor: "test")
        try await store.upsertTicket(Ticket(externalID: "T-6", body: "How do I export my tickets to a spreadsheet?"),
                                     actor: "test")  // no status: indexed, never offered
        let similar = try await SimilarTickets(store: store, embedder: encoder)
        #expect(try await store.itemsNeedingEmbedding(.ticket, model: encoder.identity.key, limit: 10).isEmpty,
                "tickets without a vector are embedded when it starts")
        #expect(try await similar.refresh() == 0, "nothing changed: nothing embedded")

        // Created as the API does (no vector yet): embedded and indexed by the next refresh, offered once resolved.
        var duplicate = Ticket(externalID: "T-5", subject: "Billed two times", body: "My card shows the same payment twice.",
                               status: .open)
        try await store.upsertTicket(duplicate, actor: "test")
        #expect(try await similar.refresh() == 1)
        #expect(try await store.vectors(.ticket, model: encoder.identity.key).count == 3)
        let query = "charged twice on my card"
        #expect(try await similar.similar(to: query, k: 2).map(\.ticket.externalID) == ["T-2"], "open tickets are not offered")
        duplicate.status = .resolved
        duplicate.resolution = "Refunded the duplicate charge."
        try await store.upsertTicket(duplicate, actor: "test")
        #expect(try await similar.refresh() == 0, "the text is unchanged: its vector stays")
        #expect(try await similar.similar(to: query, k: 2).first?.ticket.externalID == "T-5", "offered once resolved")

        // A changed text drops the old vector (store trigger); the refresh embeds the new one.
        duplicate.body = "Please add a dark theme to the mobile app as well."
        try await store.upsertTicket(duplicate, actor: "test")
        #expect(try await store.itemsNeedingEmbedding(.ticket, model: encoder.identity.key, limit: 10).map(\.text)
            == ["Billed two times\n" + duplicate.body])
        #expect(try await similar.refresh() == 1)
        #expect(try await store.itemsNeedingEmbedding(.ticket, model: encoder.identity.key, limit: 10).isEmpty)
        #expect(try await store.vectors(.ticket, model: encoder.identity.key).count == 3)
        #expect(try await similar.similar(to: "dark theme on my phone", k: 2).map(\.ticket.externalID).sorted() == ["T-2", "T-5"])
    }
}
