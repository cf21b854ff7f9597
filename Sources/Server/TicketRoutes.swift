import Domain
import Foundation
import Hummingbird
import Readers
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

    /// The ticket; without an `externalID`, its id is `derivedID`'s for the content, else a random one.
    func ticket(derivedID: ((String) -> String)? = nil) throws -> Ticket {
        let given = try Validate.text(externalID, "externalID", max: 200, required: false)
        var ticket = try validated(id: given ?? "api-" + UUID().uuidString.lowercased())
        if given == nil, let derivedID {
            let created = createdAt.map { String($0.timeIntervalSince1970) } ?? ""
            let content = [ticket.subject, ticket.body, ticket.customer, ticket.channel, ticket.language, ticket.category,
                           ticket.priority?.rawValue, ticket.status?.rawValue, created].map { $0 ?? "\u{1E}" }
            ticket.externalID = derivedID(String(ContentHash.sha256(content.joined(separator: "\u{1F}")).prefix(24)))
        }
        return ticket
    }

    /// The same checks as a record read from a file (`TicketValidator`: lengths, priority, status, language tag,
    /// dates), so the API and ingest accept the same tickets.
    private func validated(id: String) throws -> Ticket {
        var fields = [TicketField.externalID.rawValue: id, TicketField.body.rawValue: body]
        let optional: [(TicketField, String?)] = [(.subject, subject), (.customer, customer), (.channel, channel),
                                                  (.language, language), (.category, category), (.priority, priority),
                                                  (.status, status), (.createdAt, createdAt?.ISO8601Format())]
        for case let (field, value?) in optional { fields[field.rawValue] = value }
        switch TicketValidator().validate(SourceRecord(line: 1, fields: fields, raw: ""), occurrence: { _ in 1 }) {
        case .success(var ticket):
            ticket.createdAt = createdAt ?? Date()
            return ticket
        case .failure(let invalid):
            throw HTTPError(.badRequest, message: invalid.description)
        }
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
    /// Tickets without an id already stored by an earlier (retried) request: not stored again.
    var existing: Int
    var rejected: [Rejected]
}

/// A boolean query parameter.
enum Flag: String { case `true`, `false` }

/// Tickets: list (paged, filtered), get, create (triaged at once), bulk create, route correction.
struct TicketRoutes {
    let services: ServerServices

    func add(to routes: RouteRegistrar) {
        routes.on(.get, "/tickets", use: list)
        routes.on(.get, "/tickets/{id}", use: detail)
        routes.on(.post, "/tickets", use: create)
        routes.on(.post, "/tickets/bulk", use: createMany)
        routes.on(.post, "/tickets/{id}/route", use: correctRoute)
    }

    /// GET /tickets: a page of the inbox, filtered and sorted.
    @Sendable func list(_ request: Request, context: AppContext) async throws -> TicketPage {
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

    /// GET /tickets/{id}: the ticket with its predictions and latest drafts.
    @Sendable func detail(_ request: Request, context: AppContext) async throws -> TicketDetail {
        let id = try context.parameters.decoded("id")
        guard let ticket = try await services.store.ticket(externalID: id) else { throw HTTPError(.notFound, message: "no ticket \(id)") }
        return TicketDetail(ticket: ticket, predictions: try await services.store.predictions(ticketExternalID: id),
                            drafts: try await services.store.drafts(ticketExternalID: id, limit: 20))
    }

    /// POST /tickets: stores the ticket (audited) and triages it at once.
    @Sendable func create(_ request: Request, context: AppContext) async throws -> EditedResponse<CreatedTicket> {
        let ticket = try await request.decode(as: NewTicket.self, context: context).ticket()
        try await services.store.upsertTicket(ticket, actor: context.actor)
        let triage = try await TriageRoutes(services: services).triage(ticket.text, storeFor: ticket.externalID)
        return EditedResponse(status: .created, response: CreatedTicket(ticket: ticket, triage: triage))
    }

    /// POST /tickets/bulk: up to 1,000 tickets; each invalid one is reported by index, the rest stored.
    @Sendable func createMany(_ request: Request, context: AppContext) async throws -> BulkResult {
        let tickets = try await request.decode(as: [NewTicket].self, context: context)
        guard tickets.count <= 1_000 else { throw HTTPError(.contentTooLarge, message: "at most 1000 tickets per request") }
        var result = BulkResult(stored: 0, existing: 0, rejected: [])
        // Tickets without an id get one derived from their content and how many identical ones came before
        // in the request: a client retrying the same request after a crash stores nothing twice.
        var seen: [String: Int] = [:]
        for (index, input) in tickets.enumerated() {
            do {
                let ticket = try input.ticket { digest in
                    seen[digest, default: 0] += 1
                    return "api-" + digest + (seen[digest]! > 1 ? "-\(seen[digest]!)" : "")
                }
                if input.externalID?.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty ?? true,
                   try await services.store.ticket(externalID: ticket.externalID) != nil {
                    result.existing += 1
                    continue
                }
                try await services.store.upsertTicket(ticket, actor: context.actor)
                result.stored += 1
            } catch let error as HTTPError {
                result.rejected.append(.init(index: index, reason: error.body ?? "invalid"))
            }
        }
        return result
    }

    /// POST /tickets/{id}/route: an agent's correction of the category or priority, kept beside the prediction.
    @Sendable func correctRoute(_ request: Request, context: AppContext) async throws -> TicketDetail {
        let id = try context.parameters.decoded("id")
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
