import Domain
import Foundation
import Hummingbird
import Lifecycle
import Routing
import Search
import Store

/// The router's decision with the model that made it.
struct TriageResult: ResponseEncodable {
    var modelVersion: String
    var decision: RoutingDecision
}

struct TriageInput: Decodable {
    var text: String?
    var ticketID: String?
}

struct SearchResults: ResponseEncodable {
    struct Hit: Encodable {
        var articleID: String
        var title: String
        var heading: String
        var text: String
        var score: Double
    }
    var mode: String
    var hits: [Hit]
}

struct SimilarResults: ResponseEncodable {
    struct Hit: Encodable {
        var ticket: Ticket
        var score: Double
    }
    var hits: [Hit]
}

/// Triage (ad-hoc text or a stored ticket), search and similar tickets.
struct TriageRoutes {
    let services: ServerServices

    /// Routes a text; for a stored ticket, records the prediction and lets the challenger, if any, score it too
    /// (shadow evaluation). `vector` is the text's stored embedding, when it has one (a stored ticket's, from
    /// ingest: not encoded again). nil when no router is trained yet.
    func triage(_ text: String, storeFor ticketID: String?, vector: [Float]? = nil) async throws -> TriageResult? {
        let routers = try await services.routers.current()
        guard let (version, router) = routers.champion else { return nil }
        let started = ContinuousClock.now
        var embedding = vector
        if router.usesEmbeddings && embedding == nil { embedding = try await services.batcher.embed(text) }
        let decision = try router.checkedRoute(text, embedding: router.usesEmbeddings ? embedding : nil)
        services.metrics.stage("triage", milliseconds: (ContinuousClock.now - started).milliseconds)
        if let ticketID {
            try await services.store.savePredictions([StoredPrediction(decision, ticketExternalID: ticketID, modelVersion: version)])
            if let challenger = routers.challenger, challenger.version != version {
                await shadow(text, ticketID: ticketID, champion: (version, decision), challenger: challenger, embedding: embedding)
            }
        }
        return TriageResult(modelVersion: version, decision: decision)
    }

    /// Records the challenger's decision beside the champion's. Shadow scoring never fails the request: its
    /// errors are counted in /metrics (`localtriage_shadow_predictions_total{outcome="failed"}`).
    private func shadow(_ text: String, ticketID: String, champion: (version: String, decision: RoutingDecision),
                        challenger: RouterProvider.Versioned, embedding: [Float]?) async {
        let (version, challenger) = challenger
        do {
            var vector = embedding
            if challenger.usesEmbeddings && vector == nil { vector = try await services.batcher.embed(text) }
            let decision = try challenger.checkedRoute(text, embedding: challenger.usesEmbeddings ? vector : nil)
            try await services.store.saveShadowPrediction(ShadowPrediction(
                ticketExternalID: ticketID, championVersion: champion.version, challengerVersion: version,
                champion: ShadowDecision(champion.decision), challenger: ShadowDecision(decision)))
            services.metrics.shadow("recorded")
        } catch {
            services.metrics.shadow("failed")
        }
    }

    func add(to routes: RouteRegistrar) {
        routes.on(.post, "/triage") { request, context in
            let input = try await request.decode(as: TriageInput.self, context: context)
            let text: String, vector: [Float]?
            if let id = input.ticketID {
                guard let (ticket, stored) = try await services.store.ticketWithVector(externalID: id, model: services.embedder.identity.key) else {
                    throw HTTPError(.notFound, message: "no ticket \(id)")
                }
                (text, vector) = (ticket.text, stored)
            } else {
                (text, vector) = (try Validate.text(input.text, "text or ticketID", max: 20_000)!, nil)
            }
            guard let result = try await triage(text, storeFor: input.ticketID, vector: vector) else {
                throw HTTPError(.serviceUnavailable, message: "no router is trained yet: run localtriage train router")
            }
            return result
        }
        routes.on(.get, "/search") { request, _ in
            let q = request.uri.queryParameters
            let query = try Validate.text(q.get("q"), "q", max: 2_000)!
            let mode = q.get("mode") ?? "hybrid"
            guard let retriever = services.retrievers[mode] else {
                throw HTTPError(.badRequest, message: "mode must be one of \(services.retrievers.keys.sorted().joined(separator: ", "))")
            }
            let k = try Validate.int(request, "k", default: 5, in: 1...50)
            let started = ContinuousClock.now
            let hits = try await retriever.search(query, k: k, filter: SearchFilter(category: q.get("category")))
            services.metrics.stage("retrieval", milliseconds: (ContinuousClock.now - started).milliseconds)
            return SearchResults(mode: mode, hits: hits.map {
                .init(articleID: $0.articleID, title: $0.articleTitle, heading: $0.chunk.heading, text: $0.chunk.text, score: $0.score)
            })
        }
        routes.on(.get, "/similar") { request, _ in
            let query = try Validate.text(request.uri.queryParameters.get("q"), "q", max: 20_000)!
            let k = try Validate.int(request, "k", default: 3, in: 1...20)
            let hits = try await services.similar.similar(to: query, k: k)
            return SimilarResults(hits: hits.map { .init(ticket: $0.ticket, score: $0.score) })
        }
    }
}

extension ShadowDecision {
    init(_ decision: RoutingDecision) {
        self.init(category: decision.suggestedCategory, abstained: decision.abstained, confidence: decision.confidence,
                  priority: decision.priority)
    }
}
