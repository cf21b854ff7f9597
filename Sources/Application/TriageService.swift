import Domain
import Foundation
import Lifecycle
import Routing
import Store

/// Triage as the product records it: the champion routes a ticket, its prediction is saved, and the challenger,
/// when one is named, routes the same ticket beside it (shadow evaluation) without ever failing the triage. Used
/// by the API (`POST /v1/triage`) and the CLI (`triage --stored`).
public struct TriageService: Sendable {
    public let store: any PredictionStore & ModelLifecycleStore
    /// Embeds texts for routers that use embeddings (the server shares batches between concurrent requests).
    public let embed: @Sendable ([String]) async throws -> [[Float]]
    /// Told of every shadow prediction: recorded or failed (the server counts them in /metrics).
    public let shadowOutcome: @Sendable (ShadowOutcome) -> Void

    public enum ShadowOutcome: String, Sendable {
        case recorded, failed
    }

    /// A decision with the version of the router that made it.
    public struct Triaged: Sendable {
        public var modelVersion: String
        public var decision: RoutingDecision
    }

    public init(store: any PredictionStore & ModelLifecycleStore, embed: @escaping @Sendable ([String]) async throws -> [[Float]],
                shadowOutcome: @escaping @Sendable (ShadowOutcome) -> Void = { _ in }) {
        self.store = store
        self.embed = embed
        self.shadowOutcome = shadowOutcome
    }

    /// Routes a text with `routers.champion` (nil when there is none); for a stored ticket (`ticketID`), records
    /// the prediction and the challenger's shadow decision. `vector` is the text's stored embedding when it has
    /// one (a stored ticket's, from ingest: not encoded again).
    public func triage(_ text: String, ticketID: String?, vector: [Float]? = nil,
                       routers: RouterProvider.Routers) async throws -> Triaged? {
        guard let (version, router) = routers.champion else { return nil }
        var embedding = vector
        if router.usesEmbeddings && embedding == nil { embedding = try await embed([text]).first }
        let decision = try router.checkedRoute(text, embedding: router.usesEmbeddings ? embedding : nil)
        if let ticketID {
            try await store.savePredictions([StoredPrediction(decision, ticketExternalID: ticketID, modelVersion: version)])
            if let challenger = routers.challenger, challenger.version != version {
                await shadow([(ticketID, text, embedding)], champion: (version, [decision]), challenger: challenger)
            }
        }
        return Triaged(modelVersion: version, decision: decision)
    }

    /// Routes, in batches, the stored tickets `router` has not routed yet, recording every prediction (and the
    /// challenger's shadow decisions, when `challenger` is given). `each` sees every decision. Returns how many
    /// tickets were routed.
    @discardableResult
    public func triageStored(with router: RouterProvider.Versioned, challenger: RouterProvider.Versioned? = nil,
                             batchSize: Int = 256, each: (RoutingDecision) -> Void = { _ in }) async throws -> Int {
        var routed = 0
        while true {
            let tickets = try await store.ticketsAwaitingTriage(modelVersion: router.version, limit: batchSize)
            guard !tickets.isEmpty else { return routed }
            let texts = tickets.map(\.text)
            let needsVectors = router.router.usesEmbeddings || challenger?.router.usesEmbeddings == true
            let embeddings: [[Float]?] = needsVectors ? try await embed(texts).map { $0 } : Array(repeating: nil, count: texts.count)
            let decisions = try zip(texts, embeddings).map { text, vector in
                try router.router.checkedRoute(text, embedding: router.router.usesEmbeddings ? vector : nil)
            }
            try await store.savePredictions(try zip(tickets, decisions).map { ticket, decision in
                try StoredPrediction(decision, ticketExternalID: ticket.externalID, modelVersion: router.version)
            })
            if let challenger, challenger.version != router.version {
                await shadow(tickets.indices.map { (tickets[$0].externalID, texts[$0], embeddings[$0]) },
                             champion: (router.version, decisions), challenger: challenger)
            }
            decisions.forEach(each)
            routed += tickets.count
        }
    }

    /// Records the challenger's decisions beside the champion's; a failure is reported, never thrown.
    private func shadow(_ tickets: [(id: String, text: String, embedding: [Float]?)],
                        champion: (version: String, decisions: [RoutingDecision]),
                        challenger: RouterProvider.Versioned) async {
        for (ticket, championDecision) in zip(tickets, champion.decisions) {
            do {
                var vector = ticket.embedding
                if challenger.router.usesEmbeddings && vector == nil { vector = try await embed([ticket.text]).first }
                let decision = try challenger.router.checkedRoute(ticket.text,
                                                                  embedding: challenger.router.usesEmbeddings ? vector : nil)
                try await store.saveShadowPrediction(ShadowPrediction(
                    ticketExternalID: ticket.id, championVersion: champion.version, challengerVersion: challenger.version,
                    champion: ShadowDecision(championDecision), challenger: ShadowDecision(decision)))
                shadowOutcome(.recorded)
            } catch {
                shadowOutcome(.failed)
            }
        }
    }
}
