import Domain
import Drafting
import Foundation
import Hummingbird
import NIOCore
import Store

struct DraftInput: Decodable {
    var ticketID: String?
    var text: String?
    var language: String?
}

struct FeedbackInput: Decodable {
    var verdict: String
    var finalText: String?
    var reason: String?
}

extension Draft: ResponseEncodable {}
extension DraftFeedback: ResponseEncodable {}

/// Drafts (a JSON answer, or an SSE stream of the model's text then the verified draft) and agents' feedback.
struct DraftRoutes {
    let services: ServerServices

    func add(to routes: RouteRegistrar) {
        routes.on(.post, "/drafts", use: draft)
        routes.on(.post, "/drafts/{id}/feedback", use: feedback)
    }

    /// POST /drafts: a cited draft for a ticket or a text, streamed as server-sent events when asked.
    @Sendable func draft(_ request: Request, context: AppContext) async throws -> some ResponseGenerator {
        let input = try await request.decode(as: DraftInput.self, context: context)
        let draftRequest = try await resolve(input)
        let wantsStream = request.uri.queryParameters.get("stream") == "true"
            || (request.headers[.accept] ?? "").contains("text/event-stream")
        guard wantsStream else { return try await draft(draftRequest, onProgress: { _ in }).response(from: request, context: context) }
        return stream(draftRequest)
    }

    /// POST /drafts/{id}/feedback: the agent's verdict and final text.
    @Sendable func feedback(_ request: Request, context: AppContext) async throws -> some ResponseGenerator {
        let id = try context.parameters.decoded("id")
        let input = try await request.decode(as: FeedbackInput.self, context: context)
        guard let verdict = DraftFeedback.Verdict(rawValue: input.verdict) else {
            throw HTTPError(.badRequest, message: "verdict must be accepted, edited or rejected")
        }
        guard let draft = try await services.store.draft(id: id) else { throw HTTPError(.notFound, message: "no draft \(id)") }
        let finalText = try Validate.text(input.finalText, "finalText", max: 20_000, required: verdict == .edited)
        let reason = try Validate.text(input.reason, "reason", max: 2_000, required: verdict == .rejected)
        let feedback = DraftFeedback(
            draftID: id, verdict: verdict, finalText: finalText, reason: reason,
            editDistance: finalText.map { DraftMetrics.editDistance(draft.text, $0) } ?? (verdict == .accepted ? 0 : nil),
            actor: context.actor)
        try await services.store.saveFeedback(feedback)
        return EditedResponse(status: .created, response: feedback)
    }

    private func resolve(_ input: DraftInput) async throws -> DraftRequest {
        if let id = input.ticketID {
            guard let stored = try await services.store.ticketWithVector(externalID: id, model: services.embedder.identity.key) else {
                throw HTTPError(.notFound, message: "no ticket \(id)")
            }
            var request = DraftRequest(stored.ticket, vector: stored.vector)
            if let language = input.language { request.language = language }
            return request
        }
        return DraftRequest(body: try Validate.text(input.text, "text or ticketID", max: 20_000)!, language: input.language ?? "en")
    }

    private func draft(_ request: DraftRequest, onProgress: @escaping @Sendable (DraftProgress) -> Void) async throws -> Draft {
        let draft = try await services.drafting.draft(request, onProgress: onProgress)
        services.metrics.draft(kind: draft.kind.rawValue)
        services.metrics.stage("draft", milliseconds: draft.timings.totalMs)
        if draft.timings.llmMs > 0 { services.metrics.stage("llm", milliseconds: draft.timings.llmMs) }
        if let first = draft.timings.firstTokenMs { services.metrics.stage("llm_first_token", milliseconds: first) }
        return draft
    }

    /// `event: status` while the draft is prepared (`{"stage": …}`, with the model's piece count while it writes),
    /// then `event: draft` with the verified draft, or `event: error`. No text is sent before it is verified: an
    /// agent never reads a sentence that is then struck out. A client that disconnects cancels the draft.
    private func stream(_ request: DraftRequest) -> Response {
        let (events, continuation) = AsyncStream<(String, String)>.makeStream()
        let work = Task {
            do {
                let result = try await draft(request) { progress in
                    continuation.yield(("status", Self.status(progress)))
                }
                continuation.yield(("draft", String(decoding: try JSONEncoder.api.encode(result), as: UTF8.self)))
            } catch {
                continuation.yield(("error", Self.json(["message": "drafting failed"])))
            }
            continuation.finish()
        }
        var headers = HTTPFields()
        headers[.contentType] = "text/event-stream"
        headers[.cacheControl] = "no-cache"
        return Response(status: .ok, headers: headers, body: ResponseBody { writer in
            do {
                for await (event, data) in events {
                    try await writer.write(ByteBuffer(string: "event: \(event)\ndata: \(data)\n\n"))
                }
                try await writer.finish(nil)
            } catch {
                work.cancel()
                throw error
            }
        })
    }

    static func status(_ progress: DraftProgress) -> String {
        switch progress {
        case .matchingAnswers: json(["stage": "matching_answers"])
        case .retrieving: json(["stage": "retrieving"])
        case .composing: json(["stage": "composing"])
        case .modelWriting(let pieces): json(["stage": "model_writing", "pieces": String(pieces)])
        case .verifying: json(["stage": "verifying"])
        }
    }

    static func json(_ object: [String: String]) -> String {
        String(decoding: (try? JSONEncoder.api.encode(object)) ?? Data("{}".utf8), as: UTF8.self)
    }
}

extension JSONEncoder {
    /// The API's encoder: ISO 8601 dates, as Hummingbird's default.
    static var api: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }
}
