import Application
import Foundation
import Hummingbird
import Lifecycle
import Rendering
import Store

/// The web UI's models page: the registered router versions with their frozen-set metrics, the shadow evaluation
/// of the challenger and the alias history, for leads; promote, roll back and name a challenger, for admins.
/// The forms go through the same actions as the API (`ModelRoutes`), so the gate and the audit log are the same.
struct ModelsPage {
    let services: ServerServices
    var actions: ModelRoutes { ModelRoutes(services: services) }

    func add(to group: RouterGroup<AppContext>) {
        group.get("/ui/models", use: modelsPage)
        group.post("/ui/models/{action}", use: modelAction)
    }

    /// GET /ui/models: the registry for leads.
    @Sendable func modelsPage(_ request: Request, context: AppContext) async throws -> some ResponseGenerator {
        guard let role = context.identity?.role, role >= .lead else {
            return HTML.page("Models", "<p>The models page needs the lead role.</p>", status: .forbidden, viewer: context.viewer)
        }
        return HTML.page("Models", try await page(admin: role == .admin, message: request.uri.queryParameters.get("message")), viewer: context.viewer)
    }

    /// POST /ui/models/{action}: promote, roll back or name the challenger from the page.
    @Sendable func modelAction(_ request: Request, context: AppContext) async throws -> some ResponseGenerator {
        struct Form: Decodable { var version: String?; var reason: String?; var force: String? }
        guard context.identity?.role == .admin else {
            return HTML.page("Models", "<p>Changing models needs the admin role.</p>", status: .forbidden, viewer: context.viewer)
        }
        let body = String(buffer: try await request.body.collect(upTo: 16 * 1024))
        let form = (try? URLEncodedFormDecoder().decode(Form.self, from: body)) ?? Form()
        let message: String
        do {
            switch try context.parameters.decoded("action") {
            case "promote":
                let promotion = try await actions.promote(
                    PromoteInput(version: form.version, force: form.force == "on", reason: form.reason), actor: context.actor)
                message = "\(promotion.change.version ?? "") is the champion\(promotion.forced ? " (forced)" : ""): "
                    + promotion.verdict.explanation
            case "rollback":
                let change = try await actions.rollback(reason: form.reason, actor: context.actor)
                message = "Rolled back: \(change.previousVersion ?? "none") → \(change.version ?? "none")."
            case "challenger":
                let change = try await actions.nameChallenger(ChallengerInput(version: form.version, reason: form.reason),
                                                              actor: context.actor)
                message = "Challenger: \(change.previousVersion ?? "none") → \(change.version ?? "none")."
            default:
                return HTML.page("Models", "<p>Unknown action.</p>", status: .notFound, viewer: context.viewer)
            }
        } catch let error as HTTPError {
            message = "Refused: \(error.body ?? "\(error.status)")"
        }
        var components = URLComponents()
        components.path = "/ui/models"
        components.queryItems = [URLQueryItem(name: "message", value: message)]
        return Response(status: .seeOther, headers: [.location: components.string ?? "/ui/models"])
    }

    private func page(admin: Bool, message: String?) async throws -> String {
        let registry = services.routers.registry
        let aliases = try await registry.aliases()
        let versions = try await registry.versions(limit: 50)
        let frozen = try await registry.store.frozenEvaluationSet(family: ModelRegistry.family)
        func cell(_ x: Double?) -> String { x.map { String(format: "%.3f", $0) } ?? "–" }
        let rows = versions.map { v -> String in
            let m = v.frozenSetMetrics
            let buttons = admin && !v.aliases.contains(.champion) ? """
                <td><form method="post" action="/ui/models/promote" class="inline"><input type="hidden" name="version" value="\(HTML.escape(v.version))">\
                <button>Promote</button></form>\(v.aliases.contains(.challenger) ? "" : """
                <form method="post" action="/ui/models/challenger" class="inline"><input type="hidden" name="version" value="\(HTML.escape(v.version))">\
                <button>Make challenger</button></form>
                """)</td>
                """ : admin ? "<td></td>" : ""
            return """
                <tr data-version="\(HTML.escape(v.version))"><td>\(HTML.escape(v.version))</td><td>\(v.aliases.map(\.rawValue).joined(separator: ", "))</td>\
                <td>\(v.run.trainingData.examples)</td><td>\(v.run.parameters["useEmbeddings"] == "false" ? "TF-IDF" : "TF-IDF + embeddings")</td>\
                <td>\(cell(m?.accuracy))</td><td>\(cell(m?.macroF1))</td><td>\(cell(m?.p1Recall))</td><td>\(cell(m?.abstainRate))</td>\(buttons)</tr>
                """
        }.joined()
        let shadow = try await registry.shadowReport().map(shadowSection)
            ?? "<p class=\"muted\">No challenger is named: the server scores live tickets with a challenger once one is.</p>"
        let history = try await registry.history().suffix(15).reversed().map {
            "<tr><td>\(HTML.escape(ISO8601DateFormatter().string(from: $0.at)))</td><td>\($0.alias.rawValue)</td><td>\($0.action.rawValue)</td>"
                + "<td>\(HTML.escape($0.previousVersion ?? "–")) → \(HTML.escape($0.version ?? "–"))</td><td>\(HTML.escape($0.actor))</td>"
                + "<td>\(HTML.escape($0.reason))</td></tr>"
        }.joined()
        let adminForms = admin ? """
            <section><h2>Change the champion</h2>
            <form method="post" action="/ui/models/promote" id="force-promote"><label>Version <input name="version" required></label>
            <label><input type="checkbox" name="force"> force past the gate</label> <label>Reason <input name="reason"></label>
            <button>Promote</button></form>
            <form method="post" action="/ui/models/rollback" id="rollback"><label>Reason <input name="reason" required></label>
            <button>Roll back to the previous champion</button></form>
            \(aliases[.challenger] == nil ? "" : "<form method=\"post\" action=\"/ui/models/challenger\"><button>Clear the challenger</button></form>")
            </section>
            """ : "<p class=\"muted\">Promotion and rollback need the admin role.</p>"
        return """
            <h1>Models</h1>\(message.map { "<p class=\"notice\" id=\"message\">\(HTML.escape($0))</p>" } ?? "")
            <p>Champion: <strong id="champion">\(HTML.escape(aliases[.champion] ?? "none"))</strong> · challenger: \
            <strong id="challenger">\(HTML.escape(aliases[.challenger] ?? "none"))</strong>. A promotion must beat the champion \
            on the frozen evaluation set\(frozen.map { " (\(HTML.escape($0.dataset.path)), \($0.dataset.examples) examples)" } ?? "") \
            by 0.5 accuracy points without a lower P1 recall; the server answers with a new champion from the next request.</p>
            <table id="versions"><thead><tr><th>Version</th><th>Alias</th><th>Examples</th><th>Features</th><th>Accuracy</th>\
            <th>Macro-F1</th><th>P1 recall</th><th>Abstain</th>\(admin ? "<th></th>" : "")</tr></thead><tbody>\(rows)</tbody></table>
            \(adminForms)
            <section><h2>Shadow evaluation</h2>\(shadow)</section>
            <section><h2>History</h2><table id="history"><thead><tr><th>At</th><th>Alias</th><th>Action</th><th>Change</th><th>Actor</th>\
            <th>Reason</th></tr></thead><tbody>\(history)</tbody></table></section>
            """
    }

    private func shadowSection(_ r: ShadowReport) -> String {
        func percent(_ x: Double?) -> String { x.map { String(format: "%.1f%%", 100 * $0) } ?? "–" }
        func accuracy(_ name: String, _ a: ShadowReport.Accuracy?) -> String {
            a.map { "<li>\(name) accuracy on \($0.n) agent-routed tickets: champion \(percent($0.champion)), challenger \(percent($0.challenger))</li>" }
                ?? "<li>\(name) accuracy: no agent-routed tickets yet</li>"
        }
        let examples = r.disagreements.map {
            "<li><a href=\"/ui/tickets/\(HTML.segment($0.ticketExternalID))\">\(HTML.escape($0.ticketExternalID))</a>: champion "
                + "\(HTML.escape($0.champion.category)), challenger \(HTML.escape($0.challenger.category))</li>"
        }.joined()
        return """
            <ul id="shadow"><li>Challenger \(HTML.escape(r.challenger)) scored \(HTML.count(r.tickets, "live ticket")) beside the champion.</li>
            <li>Category agreement \(percent(r.categoryAgreement)), priority agreement \(percent(r.priorityAgreement))</li>
            \(accuracy("Category", r.category))\(accuracy("Priority", r.priority))</ul>
            \(examples.isEmpty ? "" : "<h3>Recent disagreements</h3><ul>\(examples)</ul>")
            """
    }
}
