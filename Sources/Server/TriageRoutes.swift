import Application
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

    /// Routes a text with the routers current now (`TriageService`: for a stored ticket, the prediction and the
    /// challenger's shadow are recorded). nil when no router is trained yet.
    func triage(_ text: String, storeFor ticketID: String?, vector: [Float]? = nil) async throws -> TriageResult? {
        let started = ContinuousClock.now
        let routers = try await services.routers.current()
        guard let triaged = try await services.triage.triage(text, ticketID: ticketID, vector: vector, routers: routers) else {
            return nil
        }
        services.metrics.stage("triage", milliseconds: (ContinuousClock.now - started).milliseconds)
        return TriageResult(modelVersion: triaged.modelVersion, decision: triaged.decision)
    }

    func add(to routes: RouteRegistrar) {
        routes.on(.post, "/triage", use: triageRequest)
        routes.on(.get, "/search", use: search)
        routes.on(.get, "/similar", use: similar)
    }

    /// POST /triage: routes a stored ticket (its prediction saved) or a text.
    @Sendable func triageRequest(_ request: Request, context: AppContext) async throws -> some ResponseGenerator {
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

    /// GET /search?q=&mode=&k=: the knowledge base searched in one mode.
    @Sendable func search(_ request: Request, context: AppContext) async throws -> some ResponseGenerator {
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

    /// GET /similar?q=&k=: resolved tickets most like the text.
    @Sendable func similar(_ request: Request, context: AppContext) async throws -> some ResponseGenerator {
        let query = try Validate.text(request.uri.queryParameters.get("q"), "q", max: 20_000)!
        let k = try Validate.int(request, "k", default: 3, in: 1...20)
        let hits = try await services.similar.similar(to: query, k: k)
        return SimilarResults(hits: hits.map { .init(ticket: $0.ticket, score: $0.score) })
    }
}
