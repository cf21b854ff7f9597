import Application
import Domain
import Drafting
import Foundation
import Hummingbird
import Store

extension LibraryAnswer: ResponseEncodable {}

struct AnswerList: ResponseEncodable, Decodable {
    var answers: [LibraryAnswer]
    var calibration: AnswerCalibration?
}

struct MiningResult: ResponseEncodable {
    var summary: MinedAnswersSummary
    var calibration: AnswerCalibration
    var emptiedGroups: Int
}

/// A new candidate: from an agent's draft (its edited text by default), or written by a lead.
struct NewAnswerInput: Decodable {
    var fromDraft: String?
    var title: String?
    var body: String?
    var category: String?
}

struct AnswerEditInput: Decodable {
    var title: String?
    var body: String?
    /// The version the edit starts from: a stale one is refused with 409.
    var version: Int?
}

struct AnswerStatusInput: Decodable {
    var reason: String?
}

/// The approved-answer library: agents read answers and propose their edited drafts; leads mine, approve, edit
/// and retire. Every change is audited with the caller's key.
struct AnswerRoutes {
    let services: ServerServices

    func add(agent: RouteRegistrar, lead: RouteRegistrar) {
        agent.on(.get, "/answers", use: list)
        agent.on(.get, "/answers/{id}", use: answer)
        agent.on(.post, "/answers", use: create)
        lead.on(.put, "/answers/{id}", use: edit)
        for (action, status) in [("approve", AnswerStatus.approved), ("retire", .retired), ("reopen", .candidate)] {
            lead.on(.post, "/answers/{id}/\(action)") { request, context in try await setStatus(request, context: context, to: status) }
        }
        lead.on(.post, "/answers/mine", use: mine)
    }

    /// GET /answers?status=: the library (optionally one status) with its calibration.
    @Sendable func list(_ request: Request, context: AppContext) async throws -> some ResponseGenerator {
        let status = try Validate.choice(request.uri.queryParameters.get("status"), "status", as: AnswerStatus.self)
        return AnswerList(answers: try await services.store.answers(status: status),
                          calibration: try await services.store.answerCalibration())
    }

    /// GET /answers/{id}: one answer with its usage.
    @Sendable func answer(_ request: Request, context: AppContext) async throws -> some ResponseGenerator {
        let id = try context.parameters.decoded("id")
        guard let answer = try await services.store.answer(id: id) else { throw HTTPError(.notFound, message: "no answer \(id)") }
        return answer
    }

    /// POST /answers: a candidate from an agent's draft, or written by a lead.
    @Sendable func create(_ request: Request, context: AppContext) async throws -> some ResponseGenerator {
        let input = try await request.decode(as: NewAnswerInput.self, context: context)
        let answer = try await propose(input, role: context.identity?.role ?? .agent, actor: context.actor)
        return EditedResponse(status: .created, response: answer)
    }

    /// PUT /answers/{id}: a lead's edit, refused (409) when the answer changed since `version`.
    @Sendable func edit(_ request: Request, context: AppContext) async throws -> some ResponseGenerator {
        let id = try context.parameters.decoded("id")
        let input = try await request.decode(as: AnswerEditInput.self, context: context)
        guard let version = input.version else { throw HTTPError(.badRequest, message: "version is required") }
        guard let current = try await services.store.answer(id: id) else { throw HTTPError(.notFound, message: "no answer \(id)") }
        let title = try Validate.text(input.title, "title", max: 200, required: false) ?? current.title
        let body = try Validate.text(input.body, "body", max: 20_000, required: false) ?? current.body
        return try await services.store.editAnswer(id: id, title: title, body: body, expectedVersion: version, actor: context.actor)
    }

    /// POST /answers/{id}/approve, retire or reopen: the answer moved to `status`, with the reason given (audited).
    func setStatus(_ request: Request, context: AppContext, to status: AnswerStatus) async throws -> some ResponseGenerator {
        let id = try context.parameters.decoded("id")
        let input = try await request.decode(as: AnswerStatusInput.self, context: context)
        let reason = try Validate.text(input.reason, "reason", max: 2_000, required: false)
        return try await services.store.setAnswerStatus(id: id, to: status, actor: context.actor, reason: reason)
    }

    /// POST /answers/mine: mines candidates from resolved tickets and recalibrates the match threshold.
    @Sendable func mine(_ request: Request, context: AppContext) async throws -> some ResponseGenerator {
        let (summary, result) = try await services.knowledge.mineAnswers(actor: context.actor)
        return MiningResult(summary: summary, calibration: result.calibration, emptiedGroups: result.emptied)
    }

    /// A candidate from a draft (the agent's final text, or the draft's own; its ticket is the example) or, for a
    /// lead, from a title and body.
    private func propose(_ input: NewAnswerInput, role: Role, actor: String) async throws -> LibraryAnswer {
        if let draftID = input.fromDraft {
            guard let draft = try await services.store.draft(id: draftID) else { throw HTTPError(.notFound, message: "no draft \(draftID)") }
            guard let ticketID = draft.ticketExternalID, let ticket = try await services.store.ticket(externalID: ticketID) else {
                throw HTTPError(.unprocessableContent, message: "draft \(draftID) is not for a stored ticket: no example to match")
            }
            var final = try Validate.text(input.body, "body", max: 20_000, required: false)
            if final == nil { final = try await services.store.latestFeedback(draftID: draftID)?.finalText }
            let names = ticket.customer.map { $0.contains("@") ? [] : $0.split(separator: " ").map(String.init) } ?? []
            let vector = try await services.embedder.embedOffPool([ticket.text])[0]
            return try await services.store.proposeAnswer(NewAnswer(
                title: try Validate.text(input.title, "title", max: 200, required: false) ?? ticket.subject ?? String(ticket.body.prefix(60)),
                body: CustomerSpecifics.templated(final ?? Draft.withoutCitations(draft.text), names: names), category: ticket.category, withheld: [],
                examples: [AnswerExample(answerID: "", ticketExternalID: ticket.externalID, text: ticket.text, vector: vector,
                                         model: services.embedder.identity.key)]),
                origin: .editedDraft, actor: actor)
        }
        guard role >= .lead else { throw HTTPError(.forbidden, message: "agents propose answers from their drafts (fromDraft); writing one needs the lead role") }
        let title = try Validate.text(input.title, "title", max: 200)!
        let body = try Validate.text(input.body, "body", max: 20_000)!
        let vector = try await services.embedder.embedOffPool([title])[0]
        return try await services.store.proposeAnswer(NewAnswer(
            title: title, body: body, category: try Validate.text(input.category, "category", max: 100, required: false), withheld: [],
            examples: [AnswerExample(answerID: "", ticketExternalID: nil, text: title, vector: vector, model: services.embedder.identity.key)]),
            origin: .manual, actor: actor)
    }
}
