import Application
import Domain
import Foundation
import Hummingbird
import Monitoring
import Rendering
import Routing
import Search
import Store

/// The web UI for agents and leads: sign-in with an API key (starting a server-side session, `Sessions`), the
/// inbox, a ticket page with its sources and a streaming, cited draft, and analytics.
struct UIRoutes {
    let services: ServerServices
    var sla = SLAPolicy()

    /// Sign-in and the static assets: no key needed.
    func addPublic(to router: Hummingbird.Router<AppContext>) {
        router.get("/", use: home)
        router.get("/ui/app.css", use: stylesheet)
        router.get("/ui/app.js", use: script)
        router.get("/ui/login", use: loginPage)
        router.post("/ui/login", use: signIn)
    }

    /// GET /: to the inbox.
    @Sendable func home(_ request: Request, context: AppContext) async throws -> some ResponseGenerator {
        Response(status: .seeOther, headers: [.location: "/ui/inbox"])
    }

    /// GET /ui/app.css: the stylesheet.
    @Sendable func stylesheet(_ request: Request, context: AppContext) async throws -> some ResponseGenerator {
        Self.asset(UIAssets.css, "text/css")
    }

    /// GET /ui/app.js: the script (no inline scripts: the CSP forbids them).
    @Sendable func script(_ request: Request, context: AppContext) async throws -> some ResponseGenerator {
        Self.asset(UIAssets.js, "text/javascript")
    }

    /// GET /ui/login: the sign-in form.
    @Sendable func loginPage(_ request: Request, context: AppContext) async throws -> some ResponseGenerator {
        Self.login(request, message: nil)
    }

    /// POST /ui/login: an API key exchanged for a session cookie.
    @Sendable func signIn(_ request: Request, context: AppContext) async throws -> some ResponseGenerator {
        struct LoginForm: Decodable { var key: String?; var csrf: String? }
        let body = String(buffer: try await request.body.collect(upTo: 16 * 1024))
        let form = (try? URLEncodedFormDecoder().decode(LoginForm.self, from: body)) ?? LoginForm()
        // Another site's page must not sign this browser in (with a key of its choosing).
        try CrossSite.refuse(request)
        guard Sessions.loginTokenMatches(form.csrf, request: request) else {
            return Self.login(request, message: "The sign-in form had expired: please sign in again.", status: .forbidden)
        }
        let secret = (form.key ?? "").trimmingCharacters(in: .whitespaces)
        guard !secret.isEmpty, let key = try await services.store.apiKey(secretHash: APIKeys.hash(secret)) else {
            return Self.login(request, message: "That key is unknown or revoked.", status: .unauthorized)
        }
        guard key.role >= .agent else {
            return Self.login(request, message: "A \(key.role.rawValue) key cannot sign in: it reads /metrics only.", status: .forbidden)
        }
        return try await Sessions.start(for: key, request: request, store: services.store)
    }

    /// The pages: behind the key middleware (the session cookie counts as the key) and the agent role.
    func add(to group: RouterGroup<AppContext>) {
        group.post("/ui/logout", use: signOut)
        group.get("/ui/inbox", use: inbox)
        group.get("/ui/tickets/{id}", use: ticketPage)
        group.get("/ui/analytics", use: analyticsPage)
        ModelsPage(services: services).add(to: group)
        AnswersPage(services: services).add(to: group)
    }

    /// POST /ui/logout: ends the session.
    @Sendable func signOut(_ request: Request, context: AppContext) async throws -> some ResponseGenerator {
        try await Sessions.end(request: request, store: services.store)
    }

    /// GET /ui/inbox: the tickets, filtered as the query says.
    @Sendable func inbox(_ request: Request, context: AppContext) async throws -> some ResponseGenerator {
        let filters = InboxFilters(request.uri.queryParameters)
        var query = filters.query
        query.sla = sla
        query.limit += 1
        var items = try await services.store.tickets(query)
        let hasMore = items.count > filters.query.limit
        items = Array(items.prefix(filters.query.limit))
        let queues = (try? await services.routers.current().champion).map { champion in
            Array(Set(champion.router.categories.map { champion.router.queueByCategory[$0] ?? $0 })).sorted()
        } ?? []
        return HTML.page("Inbox", inbox(items, filters: filters, queues: queues, hasMore: hasMore), viewer: context.viewer)
    }

    /// GET /ui/tickets/{id}: the ticket with its routing, sources and the draft panel.
    @Sendable func ticketPage(_ request: Request, context: AppContext) async throws -> some ResponseGenerator {
        let id = try context.parameters.decoded("id")
        guard let ticket = try await services.store.ticket(externalID: id) else {
            return HTML.page("Not found", "<p>No ticket \(HTML.escape(id)).</p>", status: .notFound, viewer: context.viewer)
        }
        let prediction = try await services.store.predictions(ticketExternalID: id).first
        // The best passage of each of the three best-matching articles.
        var seen = Set<String>()
        let hits = try await services.retrievers["hybrid"]!.search(ticket.text, k: 10, filter: .init())
            .filter { seen.insert($0.articleID).inserted }.prefix(3)
        return HTML.page(ticket.subject ?? id, ticketPage(ticket, prediction, hits), viewer: context.viewer)
    }

    /// GET /ui/analytics: the leads' charts and the latest monitor run.
    @Sendable func analyticsPage(_ request: Request, context: AppContext) async throws -> some ResponseGenerator {
        guard let role = context.identity?.role, role >= .lead else {
            return HTML.page("Analytics", "<p>Analytics need the lead role.</p>", status: .forbidden, viewer: context.viewer)
        }
        let analytics = try await services.store.analytics(days: 30)
        let open = try await services.store.tickets(TicketQuery(limit: 500)).map(\.ticket)
        return HTML.page("Analytics", analyticsPage(analytics, open: open, monitor: try await services.latestMonitorRun().report), viewer: context.viewer)
    }

    static func asset(_ text: String, _ type: String) -> Response {
        Response(status: .ok, headers: [.contentType: type, .cacheControl: "max-age=300"], body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }

    /// The sign-in page, with a fresh form token in the form and in its cookie.
    static func login(_ request: Request, message: String?, status: HTTPResponse.Status = .ok) -> Response {
        let (token, cookie) = Sessions.loginToken(request: request)
        var response = HTML.page("Sign in", """
            <h1>Sign in</h1>\(message.map { "<p class=\"error\">\(HTML.escape($0))</p>" } ?? "")
            <form method="post" action="/ui/login"><label>API key <input name="key" type="password" autocomplete="off" required></label>
            <button>Sign in</button></form><p class="muted">Create a key with <code>localtriage keys create --name you --role agent</code>.</p>
            """, status: status, viewer: HTML.Viewer(role: nil, csrfToken: token))
        response.setCookie(cookie)
        return response
    }

    func inbox(_ items: [TicketSummary], filters: InboxFilters, queues: [String], hasMore: Bool) -> String {
        let rows = items.map { item -> String in
            let t = item.ticket, p = item.prediction
            let risk = sla.risk(of: t)
            let route = p.map { $0.abstained ? "<span class=\"abstain\">needs human</span> (\(HTML.escape($0.suggestedCategory))?)" : HTML.escape($0.queue ?? $0.category ?? "") } ?? "–"
            let confidence = p.map { String(format: "%.0f%%", $0.confidence * 100) } ?? "–"
            return """
                <tr class="risk-\(risk.rawValue)"><td><a href="/ui/tickets/\(HTML.segment(t.externalID))">\(HTML.escape(t.externalID))</a></td>
                <td>\(HTML.escape(t.subject ?? String(t.body.prefix(80))))</td><td>\(route)</td><td>\(confidence)</td>
                <td>\(HTML.escape((p?.priority ?? t.priority)?.rawValue ?? "–"))</td><td>\(HTML.escape(t.status?.rawValue ?? "–"))</td>
                <td>\(HTML.escape(t.language ?? "–"))</td><td class="sla">\(risk.rawValue.replacingOccurrences(of: "_", with: " "))</td></tr>
                """
        }.joined()
        func select(_ name: String, _ label: String, _ options: [(String, String)]) -> String {
            let chosen = filters.values[name] ?? ""
            let items = ([("", "any")] + options).map { value, text in
                "<option value=\"\(HTML.escape(value))\"\(value == chosen ? " selected" : "")>\(HTML.escape(text))</option>"
            }.joined()
            return "<label>\(label)<select name=\"\(name)\">\(items)</select></label>"
        }
        let form = """
            <form method="get" action="/ui/inbox" class="filters" id="inbox-filters">
            <label>Search<input name="q" value="\(HTML.escape(filters.values["q"] ?? ""))" placeholder="words in the ticket"></label>
            \(select("queue", "Queue", queues.map { ($0, $0) }))
            \(select("status", "Status", TicketStatus.allCases.map { ($0.rawValue, $0.rawValue.replacingOccurrences(of: "_", with: " ")) }))
            \(select("priority", "Priority", Priority.allCases.map { ($0.rawValue, $0.rawValue) }))
            <label>Language<input name="language" size="5" value="\(HTML.escape(filters.values["language"] ?? ""))" placeholder="es"></label>
            \(select("sla", "SLA", [("breached", "breached"), ("at_risk", "at risk"), ("ok", "ok")]))
            \(select("human", "Routing", [("yes", "needs a human"), ("no", "routed")]))
            \(select("sort", "Sort", [("sla", "SLA deadline")]))
            <button>Filter</button> <a href="/ui/inbox">clear</a></form>
            """
        let page = filters.query.offset / filters.query.limit + 1
        let pager = """
            <p class="pager">\(filters.query.offset > 0 ? "<a href=\"\(HTML.escape(filters.link(offset: max(0, filters.query.offset - filters.query.limit))))\" rel=\"prev\">← newer</a>" : "")
            <span class="muted">page \(page) · \(HTML.count(items.count, "ticket"))</span>
            \(hasMore ? "<a href=\"\(HTML.escape(filters.link(offset: filters.query.offset + filters.query.limit)))\" rel=\"next\">more →</a>" : "")</p>
            """
        return """
            <h1>Inbox</h1><p class="muted">\(filters.query.order == .slaDeadline ? "Nearest first-response deadline first" : "Newest first"); \
            predicted queue, priority and calibrated confidence; SLA risk against first-response targets (P1 4 h, P2 8 h, P3 24 h, P4 72 h).</p>
            \(form)
            <table id="inbox"><thead><tr><th>Ticket</th><th>Subject</th><th>Predicted queue</th><th>Confidence</th><th>Priority</th><th>Status</th><th>Language</th><th>SLA</th></tr></thead>
            <tbody>\(rows)</tbody></table>\(pager)
            """
    }

    func ticketPage(_ t: Ticket, _ p: StoredPrediction?, _ hits: some Collection<ChunkHit>) -> String {
        let prediction = p.map {
            let why = (try? JSONDecoder().decode(RoutingDecision.self, from: Data($0.details.utf8)))?.abstainExplanation
            return "<p>Router (\(HTML.escape($0.modelVersion))): <strong>\($0.abstained ? "needs human" : HTML.escape($0.queue ?? $0.category ?? ""))</strong>"
                + (why.map { " <span class=\"muted\">(\(HTML.escape($0)))</span>" } ?? "") + ", "
                + String(format: "confidence %.0f%%", $0.confidence * 100) + ", priority \($0.priority?.rawValue ?? "–")</p>"
        } ?? "<p class=\"muted\">Not routed yet.</p>"
        let sources = hits.map {
            "<li><strong>\(HTML.escape($0.articleTitle))</strong> — \(HTML.escape($0.chunk.heading))<br><span class=\"muted\">\(HTML.escape(String(HTML.plain($0.chunk.text).prefix(300))))</span></li>"
        }.joined()
        return """
            <h1>\(HTML.escape(t.subject ?? t.externalID))</h1>
            <p class="muted">\(HTML.escape(t.externalID)) · \(HTML.escape(t.customer ?? "")) · \(HTML.escape(t.channel ?? "")) · SLA \(sla.risk(of: t).rawValue)</p>
            <blockquote>\(HTML.escape(t.body))</blockquote>\(prediction)
            <h2>Knowledge that matches</h2><ol>\(sources)</ol>
            <h2>Draft</h2><p class="muted">Drafts are never sent: review, edit, then send from your help desk.</p>
            <button id="draft" data-ticket="\(HTML.escape(t.externalID))">Draft a reply</button>
            <div id="draft-output" hidden><p id="status"></p><div id="final"></div><ol id="sources"></ol>
            <div id="feedback" hidden><button id="accept">Accept</button>
            <textarea id="edited" rows="8" placeholder="Edit the reply, then save"></textarea><button id="save-edit">Save edit</button>
            <input id="reason" placeholder="Why reject?"><button id="reject">Reject</button>
            <button id="propose" hidden>Propose as a saved answer</button><p id="feedback-status"></p></div></div>
            """
    }

    /// The analytics counts as a bar chart.
    func bars(_ counts: [WorkflowAnalytics.Count]) -> String { SVGChart.bars(counts.map { ($0.key, $0.count) }) }

    func analyticsPage(_ a: WorkflowAnalytics, open: [Ticket], monitor: MonitorReport?) -> String {
        var risk: [String: Int] = [:]
        for t in open { risk[sla.risk(of: t).rawValue, default: 0] += 1 }
        let routing = a.correctedRoutes == 0 ? "no corrections yet"
            : String(format: "%d of %d corrected routes kept the predicted category (%.0f%%)", a.routesConfirmed, a.correctedRoutes,
                     100 * Double(a.routesConfirmed) / Double(a.correctedRoutes))
        return """
            <h1>Analytics</h1>
            <section><h2>Tickets per day (30 days)</h2>\(bars(a.ticketsByDay))</section>
            <section><h2>By category</h2>\(bars(a.ticketsByCategory))</section>
            <section><h2>By priority</h2>\(bars(a.ticketsByPriority))</section>
            <section><h2>SLA risk of the 500 newest tickets</h2>\(SVGChart.bars(["ok", "at_risk", "breached"].map { ($0, risk[$0] ?? 0) }))</section>
            <section><h2>Routing quality</h2><p>\(routing)</p></section>
            <section><h2>Drafts</h2><p>\(HTML.count(a.drafts, "draft")); mean edit distance of edited drafts \
            \(a.meanEditDistance.map { String(format: "%.2f", $0) } ?? "–")</p>\(bars(a.draftVerdicts))
            \(draftPaths(a.draftPaths))<p><a href="/ui/answers?sort=edited">Approved answers, most edited first</a></p></section>
            \(monitorSection(monitor))
            """
    }

    /// Acceptance and edits by the path that wrote the draft (the latest verdict on each draft).
    func draftPaths(_ paths: [WorkflowAnalytics.PathUsage]) -> String {
        guard !paths.isEmpty else { return "" }
        func pct(_ x: Double?) -> String { x.map { String(format: "%.0f%%", $0 * 100) } ?? "–" }
        let names = ["answer": "approved answer", "composed": "composed from the KB", "llm": "model", "extractive": "extractive (before v3)"]
        let rows = paths.map { p in
            "<tr><td>\(HTML.escape(names[p.path] ?? p.path))</td><td>\(p.usage.drafts)</td><td>\(p.usage.reviewed)</td>"
                + "<td>\(pct(p.usage.acceptanceRate))</td><td>\(pct(p.usage.editRate))</td>"
                + "<td>\(p.usage.meanEditDistance.map { String(format: "%.2f", $0) } ?? "–")</td></tr>"
        }.joined()
        return """
            <table id="draft-paths"><thead><tr><th>Path</th><th>Drafts</th><th>With a verdict</th><th>Accepted</th><th>Edited</th>\
            <th>Mean edit distance</th></tr></thead><tbody>\(rows)</tbody></table>
            """
    }

    /// Drift and emerging themes from the latest `localtriage monitor` run.
    func monitorSection(_ report: MonitorReport?) -> String {
        guard let report else {
            return """
                <section id="themes"><h2>Drift and emerging themes</h2><p class="muted">The monitor has not run on this home yet: \
                <code>localtriage monitor --recent-days 7</code> (daily from cron, say) compares recent tickets with the \
                router's training data.</p></section>
                """
        }
        let alarms = report.drift.checks.filter { $0.status == .drift }.map { HTML.escape($0.name) }
        let themes = report.themes.themes.map { theme in
            let examples = theme.examples.prefix(2).map { "<br><span class=\"muted\">“\(HTML.escape(String($0.prefix(120))))”</span>" }.joined()
            return "<li><strong>\(HTML.escape(theme.terms.joined(separator: ", ")))</strong> — \(theme.kind.rawValue), "
                + String(format: "%d tickets, %.1f%% of the window vs %.1f%% of the reference", theme.windowCount,
                         100 * theme.windowShare, 100 * theme.referenceShare) + "\(examples)</li>"
        }.joined()
        return """
            <section id="themes"><h2>Drift and emerging themes</h2>
            <p class="muted">Monitor run of \(HTML.escape(ISO8601DateFormatter().string(from: report.generatedAt))): \
            \(HTML.escape(report.window)) against \(HTML.escape(report.reference)).</p>
            <p>\(alarms.isEmpty ? "No drift check is beyond its threshold." : "<span class=\"error\">Drift</span> in: \(alarms.joined(separator: ", ")).")</p>
            \(themes.isEmpty ? "<p>No emerging theme.</p>" : "<ol>\(themes)</ol>")</section>
            """
    }
}

/// The inbox's filters as read from its query string, and links to other pages of the same filters.
struct InboxFilters {
    static let names = ["q", "queue", "status", "priority", "language", "sla", "human", "sort"]
    /// The non-empty filter values by name.
    var values: [String: String] = [:]
    var query = TicketQuery(limit: 50)

    init(_ parameters: some Sequence<(key: Substring, value: Substring)>) {
        for (key, value) in parameters where Self.names.contains(String(key)) && !value.isEmpty {
            values[String(key)] = String(value.prefix(200))
        }
        let offset = parameters.first { $0.key == "offset" }.flatMap { Int($0.value) } ?? 0
        query.offset = min(max(0, offset), 1_000_000)
        query.text = values["q"]
        query.queue = values["queue"]
        query.status = values["status"].flatMap(TicketStatus.init(rawValue:))
        query.priority = values["priority"].flatMap(Priority.init(rawValue:))
        query.language = values["language"]
        query.slaRisk = values["sla"].flatMap(SLAPolicy.Risk.init(rawValue:))
        query.needsHuman = values["human"].map { $0 == "yes" }
        query.order = values["sort"] == "sla" ? .slaDeadline : .newest
    }

    /// This inbox at another offset.
    func link(offset: Int) -> String {
        var components = URLComponents()
        components.path = "/ui/inbox"
        components.queryItems = values.sorted { $0.key < $1.key }.map { URLQueryItem(name: $0.key, value: $0.value) }
            + [URLQueryItem(name: "offset", value: String(offset))]
        return components.string ?? "/ui/inbox"
    }
}
