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
        routes.on(.post, "/drafts") { request, context in
            let input = try await request.decode(as: DraftInput.self, context: context)
            let (text, language, ticketID) = try await resolve(input)
            let wantsStream = request.uri.queryParameters.get("stream") == "true"
                || (request.headers[.accept] ?? "").contains("text/event-stream")
            guard wantsStream else { return try await draft(text, language, ticketID, onText: { _ in }).response(from: request, context: context) }
            return stream(text, language, ticketID)
        }
        routes.on(.post, "/drafts/{id}/feedback") { request, context in
            let id = try context.parameters.require("id")
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
    }

    private func resolve(_ input: DraftInput) async throws -> (String, String, String?) {
        if let id = input.ticketID {
            guard let ticket = try await services.store.ticket(externalID: id) else { throw HTTPError(.notFound, message: "no ticket \(id)") }
            return (ticket.text, input.language ?? ticket.language ?? "en", id)
        }
        return (try Validate.text(input.text, "text or ticketID", max: 20_000)!, input.language ?? "en", nil)
    }

    private func draft(_ text: String, _ language: String, _ ticketID: String?, onText: @escaping @Sendable (String) -> Void) async throws -> Draft {
        let draft = try await services.drafting.draft(text: text, language: language, ticketExternalID: ticketID, onText: onText)
        services.metrics.draft(kind: draft.kind.rawValue)
        services.metrics.stage("draft", milliseconds: draft.timings.totalMs)
        services.metrics.stage("llm", milliseconds: draft.timings.llmMs)
        if let first = draft.timings.firstTokenMs { services.metrics.stage("llm_first_token", milliseconds: first) }
        return draft
    }

    /// `event: token` for each piece of the model's text, then `event: draft` with the verified draft (which may be
    /// the extractive fallback), or `event: error`. A client that disconnects cancels the draft.
    private func stream(_ text: String, _ language: String, _ ticketID: String?) -> Response {
        let (events, continuation) = AsyncStream<(String, String)>.makeStream()
        let work = Task {
            do {
                let result = try await draft(text, language, ticketID) { piece in
                    continuation.yield(("token", Self.json(["text": piece])))
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
