import Application
import Domain
import Foundation
import NIOConcurrencyHelpers
import Routing
import Store
import TestSupport
import Testing

/// Triage and its records, on a real store with small routers (deterministic: no model files).
@Suite struct TriageServiceTests {
    static let examples = ["billing": ["charged twice", "refund the charge", "wrong invoice amount", "billed again", "card charged"],
                           "login": ["cannot log in", "password reset", "locked out", "code not arriving", "forgot password"]]
        .sorted { $0.key < $1.key }.flatMap { category, texts in texts.map { RoutingExample(text: $0, category: category, priority: nil) } }

    private func store(tickets: [String]) async throws -> SQLiteStore {
        let store = try SQLiteStore(home: try TestSupport.temporaryDirectory("triage-service"))
        let run = try await store.beginIngest(kind: .tickets, source: "/t", sourceHash: "h")
        try await store.commit(IngestBatch(runID: run.id, position: tickets.count, read: tickets.count, tickets: tickets.enumerated().map {
            Ticket(externalID: "T-\($0.offset)", body: $0.element, createdAt: Date(timeIntervalSince1970: Double($0.offset)))
        }))
        return store
    }

    @Test func storedTicketsAreRoutedOnceWithTheChallengerBesideTheChampion() async throws {
        let store = try await store(tickets: ["I was charged twice", "password reset link broken", "refund my card"])
        let embedder = HashingTestEmbedder(dimension: 32)
        let champion = try Router.train(Self.examples, embed: nil)
        let challenger = try Router.train(Self.examples, embed: embedder.embed)
        let outcomes = NIOLockedValueBox<[TriageService.ShadowOutcome]>([])
        let service = TriageService(store: store, embed: { embedder.embed($0) },
                                    shadowOutcome: { outcome in outcomes.withLockedValue { $0.append(outcome) } })
        var seen: [String] = []
        let routed = try await service.triageStored(with: ("v1", champion), challenger: ("v2", challenger), batchSize: 2) {
            seen.append($0.suggestedCategory)
        }
        #expect(routed == 3 && seen == ["billing", "login", "billing"])
        #expect(try await store.predictions(ticketExternalID: "T-1").map(\.modelVersion) == ["v1"])
        let shadow = try await store.shadowPredictions(challengerVersion: "v2", limit: 10)
        #expect(shadow.count == 3 && shadow.allSatisfy { $0.championVersion == "v1" })
        #expect(shadow.first { $0.ticketExternalID == "T-1" }?.challenger.category == "login")
        #expect(outcomes.withLockedValue { $0 } == [.recorded, .recorded, .recorded])
        #expect(try await service.triageStored(with: ("v1", champion)) == 0, "each ticket once per model")
    }

    @Test func aFailingChallengerNeverFailsTheChampionsTriage() async throws {
        let store = try await store(tickets: ["I was charged twice"])
        let embedder = HashingTestEmbedder(dimension: 32)
        let champion = try Router.train(Self.examples, embed: nil)
        let challenger = try Router.train(Self.examples, embed: embedder.embed)
        struct EncoderDown: Error {}
        let outcomes = NIOLockedValueBox<[TriageService.ShadowOutcome]>([])
        let service = TriageService(store: store, embed: { _ in throw EncoderDown() },
                                    shadowOutcome: { outcome in outcomes.withLockedValue { $0.append(outcome) } })
        let triaged = try await service.triage("I was charged twice", ticketID: "T-0",
                                               routers: (("v1", champion), ("v2", challenger)))
        #expect(triaged?.modelVersion == "v1" && triaged?.decision.suggestedCategory == "billing")
        #expect(try await store.predictions(ticketExternalID: "T-0").count == 1)
        #expect(try await store.shadowPredictions(challengerVersion: "v2", limit: 10).isEmpty)
        #expect(outcomes.withLockedValue { $0 } == [.failed])
        // Ad-hoc text (no ticket) is routed and not recorded; no champion, no triage.
        #expect(try await service.triage("refund", ticketID: nil, routers: (("v1", champion), nil)) != nil)
        #expect(try await store.predictions(ticketExternalID: "T-0").count == 1)
        #expect(try await service.triage("refund", ticketID: "T-0", routers: (nil, ("v2", challenger))) == nil)
    }
}
