import Application
import Drafting
import Foundation
import Hummingbird
import Rendering
import Store

/// The web UI's approved-answer library: every answer with its usage (drafts, acceptance, edit rate, mean edit
/// distance), most edited first on request; leads mine candidates, approve, edit and retire them. The forms
/// call the same store operations as the API, so the audit log is the same.
struct AnswersPage {
    let services: ServerServices

    func add(to group: RouterGroup<AppContext>) {
        group.get("/ui/answers", use: answersPage)
        group.get("/ui/answers/{id}", use: answerPage)
        group.post("/ui/answers/{id}/{action}", use: answerAction)
        group.post("/ui/answers/mine", use: mine)
    }

    /// GET /ui/answers: the library for review.
    @Sendable func answersPage(_ request: Request, context: AppContext) async throws -> some ResponseGenerator {
        let role = context.identity?.role ?? .agent
        let status = request.uri.queryParameters.get("status").flatMap(AnswerStatus.init(rawValue:))
        let sort = request.uri.queryParameters.get("sort") ?? "usage"
        return HTML.page("Answers", try await list(lead: role >= .lead, status: status, sort: sort,
                                                   message: request.uri.queryParameters.get("message")),
                         viewer: context.viewer)
    }

    /// GET /ui/answers/{id}: one answer, its examples and the lead's actions.
    @Sendable func answerPage(_ request: Request, context: AppContext) async throws -> some ResponseGenerator {
        let id = try context.parameters.decoded("id")
        guard let answer = try await services.store.answer(id: id) else {
            return HTML.page("Not found", "<p>No answer \(HTML.escape(id)).</p>", status: .notFound, viewer: context.viewer)
        }
        return HTML.page(answer.title, detail(answer, lead: (context.identity?.role ?? .agent) >= .lead,
                                              message: request.uri.queryParameters.get("message")),
                         viewer: context.viewer)
    }

    /// POST /ui/answers/{id}/{action}: approve, retire, reopen or edit from the page.
    @Sendable func answerAction(_ request: Request, context: AppContext) async throws -> some ResponseGenerator {
        struct Form: Decodable { var title: String?; var body: String?; var version: Int?; var reason: String? }
        guard (context.identity?.role ?? .agent) >= .lead else {
            return HTML.page("Answers", "<p>Reviewing answers needs the lead role.</p>", status: .forbidden, viewer: context.viewer)
        }
        let id = try context.parameters.decoded("id")
        let body = String(buffer: try await request.body.collect(upTo: 64 * 1024))
        let form = (try? URLEncodedFormDecoder().decode(Form.self, from: body)) ?? Form()
        let message: String
        do {
            switch try context.parameters.decoded("action") {
            case "approve":
                _ = try await services.store.setAnswerStatus(id: id, to: .approved, actor: context.actor, reason: form.reason)
                message = "Approved: drafted for matching tickets from now on."
            case "retire":
                _ = try await services.store.setAnswerStatus(id: id, to: .retired, actor: context.actor, reason: form.reason)
                message = "Retired: no longer drafted."
            case "edit":
                let title = form.title?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
                let text = form.body?.replacingOccurrences(of: "\r\n", with: "\n").trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
                guard !title.isEmpty, !text.isEmpty, let version = form.version else { throw StoreError("title and body are required", code: .invalid) }
                let edited = try await services.store.editAnswer(id: id, title: title, body: text, expectedVersion: version, actor: context.actor)
                message = "Saved as version \(edited.version)."
            default:
                return HTML.page("Answers", "<p>Unknown action.</p>", status: .notFound, viewer: context.viewer)
            }
        } catch let error as StoreError {
            message = "Refused: \(error.description)"
        }
        return Self.redirect("/ui/answers/\(id)", message: message)
    }

    /// POST /ui/answers/mine: mines candidates, then back to the library.
    @Sendable func mine(_ request: Request, context: AppContext) async throws -> some ResponseGenerator {
        guard (context.identity?.role ?? .agent) >= .lead else {
            return HTML.page("Answers", "<p>Mining answers needs the lead role.</p>", status: .forbidden, viewer: context.viewer)
        }
        let (summary, result) = try await services.knowledge.mineAnswers(actor: context.actor)
        return Self.redirect("/ui/answers", message: "Mined \(result.calibration.resolutions) resolutions: \(summary.created) new candidates, "
            + "\(summary.extended) answers extended; match threshold " + String(format: "%.2f", result.calibration.threshold) + ".")
    }

    static func redirect(_ path: String, message: String) -> Response {
        var components = URLComponents()
        components.path = path
        components.queryItems = [URLQueryItem(name: "message", value: message)]
        return Response(status: .seeOther, headers: [.location: components.string ?? path])
    }

    private func list(lead: Bool, status: AnswerStatus?, sort: String, message: String?) async throws -> String {
        var answers = try await services.store.answers(status: lead ? status : .approved)
        if sort == "edited" {
            answers.sort { ($0.usage.editRate ?? -1, $0.usage.meanEditDistance ?? -1) > ($1.usage.editRate ?? -1, $1.usage.meanEditDistance ?? -1) }
        }
        let calibration = try await services.store.answerCalibration()
        func pct(_ x: Double?) -> String { x.map { String(format: "%.0f%%", $0 * 100) } ?? "–" }
        let rows = answers.map { a in
            """
            <tr data-answer="\(HTML.escape(a.id))"><td><a href="/ui/answers/\(HTML.escape(a.id))">\(HTML.escape(a.title))</a></td>\
            <td>\(a.status.rawValue)</td><td>\(HTML.escape(a.category ?? "–"))</td><td>\(a.examples)</td><td>\(a.usage.drafts)</td>\
            <td>\(pct(a.usage.acceptanceRate))</td><td>\(pct(a.usage.editRate))</td>\
            <td>\(a.usage.meanEditDistance.map { String(format: "%.2f", $0) } ?? "–")</td></tr>
            """
        }.joined()
        let filters = lead ? """
            <p>Show: <a href="/ui/answers">all</a> · <a href="/ui/answers?status=candidate">candidates</a> · \
            <a href="/ui/answers?status=approved">approved</a> · <a href="/ui/answers?status=retired">retired</a> · \
            <a href="/ui/answers?sort=edited\(status.map { "&amp;status=\($0.rawValue)" } ?? "")">most edited first</a></p>
            <form method="post" action="/ui/answers/mine"><button>Mine candidates from resolved tickets</button></form>
            """ : "<p class=\"muted\">Approved answers. Leads review candidates.</p>"
        let threshold = calibration.map {
            String(format: "A ticket gets an approved answer as its draft when its similarity to the answer's examples reaches %.2f "
                + "(calibrated on the resolved tickets: precision %@ at %.0f%% coverage of %d grouped tickets, %@ of tickets of a kind "
                + "without an answer matched wrongly; target %.0f%%).", $0.threshold, $0.precision.map { String(format: "%.2f", $0) } ?? "–",
                   $0.coverage * 100, $0.n, $0.novelFalseMatchRate.map { String(format: "%.1f%%", $0 * 100) } ?? "–", $0.targetPrecision * 100)
        } ?? "Not mined yet: answers written or proposed by hand are matched from a similarity of 0.90."
        return """
            <h1>Answers</h1>\(message.map { "<p class=\"notice\" id=\"message\">\(HTML.escape($0))</p>" } ?? "")
            <p class="muted">\(HTML.escape(threshold))</p>\(filters)
            <table id="answers"><thead><tr><th>Answer</th><th>Status</th><th>Category</th><th>Examples</th><th>Drafts</th>\
            <th>Accepted</th><th>Edited</th><th>Edit distance</th></tr></thead><tbody>\(rows)</tbody></table>
            """
    }

    private func detail(_ a: LibraryAnswer, lead: Bool, message: String?) -> String {
        let withheld = a.withheld.isEmpty ? "" : """
            <section><h2>Left out when mined</h2><ul>\(a.withheld.map { "<li>\(HTML.escape($0))</li>" }.joined())</ul></section>
            """
        let actions = lead ? """
            <section><h2>Review</h2>
            \(a.status == .approved ? "" : """
            <form method="post" action="/ui/answers/\(HTML.escape(a.id))/approve" class="inline"><button>Approve</button></form>
            """)\(a.status == .retired ? "" : """
            <form method="post" action="/ui/answers/\(HTML.escape(a.id))/retire" class="inline"><button>Retire</button></form>
            """)
            <form method="post" action="/ui/answers/\(HTML.escape(a.id))/edit" id="edit-answer">
            <input type="hidden" name="version" value="\(a.version)">
            <label>Title <input name="title" value="\(HTML.escape(a.title))" required></label>
            <textarea name="body" rows="12" required>\(HTML.escape(a.body))</textarea>
            <p class="muted">Keep customer details as placeholders such as {{Order Number}}: they are filled from each ticket that states them.</p>
            <button>Save</button></form></section>
            """ : ""
        return """
            <h1>\(HTML.escape(a.title))</h1>\(message.map { "<p class=\"notice\" id=\"message\">\(HTML.escape($0))</p>" } ?? "")
            <p class="muted">\(HTML.escape(a.id)) · \(a.status.rawValue) · \(a.origin.rawValue) · version \(a.version) · \
            \(HTML.count(a.examples, "example")) · \(HTML.count(a.usage.drafts, "draft")), \(a.usage.accepted) accepted, \
            \(a.usage.edited) edited, \(a.usage.rejected) rejected</p>
            <div class="answer-body"><blockquote id="answer-body">\(HTML.escape(a.body))</blockquote></div>\(withheld)\(actions)
            """
    }
}
