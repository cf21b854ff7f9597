import Domain
import Foundation
import Hummingbird
import Routing
import Store

/// A ticket as the API receives it.
struct NewTicket: Decodable {
    var externalID: String?
    var subject: String?
    var body: String
    var customer: String?
    var channel: String?
    var language: String?
    var category: String?
    var priority: String?
    var status: String?
    var createdAt: Date?

    func ticket() throws -> Ticket {
        let id = try Validate.text(externalID, "externalID", max: 200, required: false) ?? "api-" + UUID().uuidString.lowercased()
        return Ticket(
            externalID: id, subject: try Validate.text(subject, "subject", max: 500, required: false),
            body: try Validate.text(body, "body", max: 20_000)!,
            customer: try Validate.text(customer, "customer", max: 200, required: false),
            channel: try Validate.text(channel, "channel", max: 50, required: false),
            language: try Validate.text(language, "language", max: 20, required: false),
            category: try Validate.text(category, "category", max: 100, required: false),
            priority: try Validate.priority(priority),
            status: try status.map { raw in
                guard let s = TicketStatus(parsing: raw) else { throw HTTPError(.badRequest, message: "unknown status \(raw)") }
                return s
            },
            createdAt: createdAt ?? Date())
    }
}

struct TicketPage: ResponseEncodable {
    var items: [TicketSummary]
    var limit: Int
    var offset: Int
    var nextOffset: Int?
}

struct TicketDetail: ResponseEncodable {
    var ticket: Ticket
    var predictions: [StoredPrediction]
    var drafts: [StoredDraft]
}

struct CreatedTicket: ResponseEncodable {
    var ticket: Ticket
    var triage: TriageResult?
}

struct CorrectionInput: Decodable {
    var category: String?
    var priority: String?
}

struct BulkResult: ResponseEncodable {
    struct Rejected: Encodable { var index: Int; var reason: String }
    var stored: Int
    var rejected: [Rejected]
}

/// A boolean query parameter.
enum Flag: String { case `true`, `false` }

/// Tickets: list (paged, filtered), get, create (triaged at once), bulk create, route correction.
struct TicketRoutes {
    let services: ServerServices

    func add(to routes: RouteRegistrar) {
        routes.on(.get, "/tickets") { request, _ in
            let q = request.uri.queryParameters
            var query = TicketQuery(
                status: try Validate.choice(q.get("status"), "status", as: TicketStatus.self),
                category: q.get("category"),
                priority: try Validate.choice(q.get("priority"), "priority", as: Priority.self),
                queue: try Validate.text(q.get("queue"), "queue", max: 200, required: false),
                language: try Validate.text(q.get("language"), "language", max: 35, required: false),
                needsHuman: try Validate.choice(q.get("needsHuman"), "needsHuman", as: Flag.self).map { $0 == .true },
                slaRisk: try Validate.choice(q.get("sla"), "sla", as: SLAPolicy.Risk.self),
                text: try Validate.text(q.get("q"), "q", max: 500, required: false),
                order: try Validate.choice(q.get("sort"), "sort", as: TicketQuery.Order.self) ?? .newest,
                limit: try Validate.int(request, "limit", default: 50, in: 1...500),
                offset: try Validate.int(request, "offset", default: 0, in: 0...1_000_000))
            query.sla = SLAPolicy()
            let items = try await services.store.tickets(query)
            return TicketPage(items: items, limit: query.limit, offset: query.offset,
                              nextOffset: items.count == query.limit ? query.offset + query.limit : nil)
        }
        routes.on(.get, "/tickets/{id}") { _, context in
            let id = try context.parameters.require("id")
            guard let ticket = try await services.store.ticket(externalID: id) else { throw HTTPError(.notFound, message: "no ticket \(id)") }
            return TicketDetail(ticket: ticket, predictions: try await services.store.predictions(ticketExternalID: id),
                                drafts: try await services.store.drafts(ticketExternalID: id, limit: 20))
        }
        routes.on(.post, "/tickets") { request, context in
            let ticket = try await request.decode(as: NewTicket.self, context: context).ticket()
            try await services.store.upsertTicket(ticket, actor: context.actor)
            let triage = try await TriageRoutes(services: services).triage(ticket.text, storeFor: ticket.externalID)
            return EditedResponse(status: .created, response: CreatedTicket(ticket: ticket, triage: triage))
        }
        routes.on(.post, "/tickets/bulk") { request, context in
            let tickets = try await request.decode(as: [NewTicket].self, context: context)
            guard tickets.count <= 1_000 else { throw HTTPError(.contentTooLarge, message: "at most 1000 tickets per request") }
            var result = BulkResult(stored: 0, rejected: [])
            for (index, input) in tickets.enumerated() {
                do {
                    try await services.store.upsertTicket(try input.ticket(), actor: context.actor)
                    result.stored += 1
                } catch let error as HTTPError {
                    result.rejected.append(.init(index: index, reason: error.body ?? "invalid"))
                }
            }
            return result
        }
        routes.on(.post, "/tickets/{id}/route") { request, context in
            let id = try context.parameters.require("id")
            let input = try await request.decode(as: CorrectionInput.self, context: context)
            let category = try Validate.text(input.category, "category", max: 100, required: false)
            let priority = try Validate.priority(input.priority)
            guard category != nil || priority != nil else { throw HTTPError(.badRequest, message: "give category or priority") }
            guard try await services.store.ticket(externalID: id) != nil else { throw HTTPError(.notFound, message: "no ticket \(id)") }
            let predicted = try await services.store.predictions(ticketExternalID: id).first
            try await services.store.saveCorrection(RouteCorrection(
                ticketExternalID: id, category: category, priority: priority,
                predictedCategory: predicted?.category ?? predicted?.suggestedCategory, predictedPriority: predicted?.priority,
                modelVersion: predicted?.modelVersion, actor: context.actor))
            return TicketDetail(ticket: try await services.store.ticket(externalID: id)!,
                                predictions: try await services.store.predictions(ticketExternalID: id), drafts: [])
        }
    }
}
