import Domain
import Embeddings
import Foundation
import Hummingbird
import HummingbirdTesting
import Ingest
import Lifecycle
import Monitoring
import Readers
import Routing
@testable import Server
import Store
import TestSupport
import Testing

/// The model lifecycle through a running server: promotion, rollback and challengers over the API (admin) and
/// the web UI, the champion answering from the next request, shadow evaluation on live tickets, and the
/// monitor's values on /metrics and the analytics page.
@Suite(.serialized, .enabled(if: encoder != nil, "all-MiniLM-L6-v2 is not installed: run make setup"))
struct ModelLifecycleServerTests {
    static let demo = TestSupport.repositoryRoot.appendingPathComponent("demo")
    static let text = "Since this morning nobody in our company can sign in through Okta, error ORB-SSO-01"

    /// A home with the demo tickets and two real router trainings registered: `weak` (every sixth demo ticket,
    /// the first champion) and `strong` (all of them); the demo tickets are the frozen evaluation set.
    struct Lab {
        let home: URL
        let store: SQLiteStore
        let services: ServerServices
        let weak: RouterTraining.Outcome
        let strong: RouterTraining.Outcome

        init(_ label: String) async throws {
            home = try TestSupport.temporaryDirectory(label)
            store = try SQLiteStore(home: home)
            let tickets = Self.demoTickets
            _ = try await Ingestor(store: store).ingestTickets(path: tickets.path)
            (weak, strong) = try await Self.trainWeakAndStrong(ModelRegistry(store: store, home: home))
            services = try await ServerServices.build(store: store, embedder: try #require(encoder), model: nil,
                                                      home: home, modelReady: { true })
        }

        static var demoTickets: URL { demo.appendingPathComponent("tickets.jsonl") }

        /// Trains `weak`, then `strong`, into the registry's home (the demo tickets must be in its store).
        static func trainWeakAndStrong(_ registry: ModelRegistry) async throws
            -> (weak: RouterTraining.Outcome, strong: RouterTraining.Outcome) {
            let lines = try String(contentsOf: demoTickets, encoding: .utf8).split(separator: "\n")
            let subset = registry.home.appendingPathComponent("every-sixth.jsonl")
            try stride(from: 0, to: lines.count, by: 6).map { String(lines[$0]) }.joined(separator: "\n")
                .write(to: subset, atomically: true, encoding: .utf8)
            let weak = try await train(subset, evalSet: demoTickets, registry: registry)
            return (weak, try await train(demoTickets, evalSet: nil, registry: registry))
        }

        /// Word TF-IDF features and one λ: a real training that takes seconds in a debug build.
        static func train(_ data: URL, evalSet: URL?, registry: ModelRegistry) async throws -> RouterTraining.Outcome {
            var training = RouterTraining(trainingData: LabelledData(path: data.path, textField: "body"), actor: "test")
            training.evaluationSet = evalSet.map { LabelledData(path: $0.path, textField: "body") }
            training.options.useEmbeddings = false
            training.options.features.charNGramMin = 0
            training.options.features.charNGramMax = 0
            training.options.l2Grid = [1e-5]
            return try await training.run(registry: registry, embed: nil)
        }

        func key(_ role: Role) async throws -> HTTPFields {
            let (_, secret) = try await APIKeys.create(name: "test \(role)", role: role, in: store, actor: "test")
            return [.authorization: "Bearer \(secret)", .contentType: "application/json"]
        }

        /// The model version that answers `POST /v1/triage` now.
        static func answeringVersion(_ client: some TestClientProtocol, _ headers: HTTPFields) async throws -> String {
            let response = try await client.execute(uri: "/v1/triage", method: .post, headers: headers,
                                                    body: ByteBuffer(string: #"{"text": "\#(text)"}"#))
            #expect(response.status == .ok)
            let object = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
            return try #require(object?["modelVersion"] as? String)
        }
    }

    static func post(_ client: some TestClientProtocol, _ uri: String, _ headers: HTTPFields, _ body: String) async throws
        -> TestResponse {
        try await client.execute(uri: uri, method: .post, headers: headers, body: ByteBuffer(string: body))
    }

    @Test func aRunningServerAnswersWithThePromotedAndTheRolledBackChampion() async throws {
        let lab = try await Lab("server-lifecycle")
        let weak = lab.weak.run.modelVersion, strong = lab.strong.run.modelVersion
        let agent = try await lab.key(.agent), lead = try await lab.key(.lead), admin = try await lab.key(.admin)
        // Another connection to the same home, as the CLI (or another replica) beside the server would have.
        let cli = ModelRegistry(store: try SQLiteStore(home: lab.home), home: lab.home)
        try await Application(router: buildRouter(lab.services)).test(.router) { client in
            #expect(try await Lab.answeringVersion(client, agent) == weak)
            #expect(lab.weak.run.parameters["textField"] == "body", "a run records the fields it read (the monitor reuses them)")
            for headers in [agent, lead] {
                let response = try await Self.post(client, "/v1/models/promote", headers, #"{"version": "\#(strong)"}"#)
                #expect(response.status == .forbidden)
            }
            // The gate refuses with its numbers: nothing beats the champion by 100 points.
            let refused = try await Self.post(client, "/v1/models/promote", admin, #"{"version": "\#(strong)", "margin": 100}"#)
            #expect(refused.status == .conflict)
            #expect(String(buffer: refused.body).contains("refused"))
            let unknown = try await Self.post(client, "/v1/models/promote", admin, #"{"version": "router-nope"}"#)
            #expect(unknown.status == .conflict)
            let forcedWithoutReason = try await Self.post(client, "/v1/models/promote", admin, #"{"version": "\#(strong)", "force": true}"#)
            #expect(forcedWithoutReason.status == .badRequest)
            #expect(try await Lab.answeringVersion(client, agent) == weak)

            let promoted = try await Self.post(client, "/v1/models/promote", admin, #"{"version": "\#(strong)"}"#)
            #expect(promoted.status == .ok, "\(String(buffer: promoted.body))")
            #expect(try await Lab.answeringVersion(client, agent) == strong)
            let models = try await client.execute(uri: "/v1/models", method: .get, headers: agent)
            #expect(Self.routerAliases(models, strong) == ["champion"] && Self.routerAliases(models, weak) == [])

            let rolledBack = try await Self.post(client, "/v1/models/rollback", admin, #"{"reason": "agents report misroutes"}"#)
            #expect(rolledBack.status == .ok)
            #expect(try await Lab.answeringVersion(client, agent) == weak)
            let nothingBefore = try await Self.post(client, "/v1/models/rollback", admin, "{}")
            #expect(nothingBefore.status == .conflict, "the first champion has nothing to roll back to")

            // A change made outside the server is answered once the server's last read of the aliases is older
            // than their lifetime (a second), without a restart.
            let lifetime = lab.services.routers.aliasLifetime
            _ = try await cli.promote(strong, actor: "cli:test")
            try await Task.sleep(for: lifetime)
            #expect(try await Lab.answeringVersion(client, agent) == strong)
            _ = try await cli.rollback(actor: "cli:test")
            try await Task.sleep(for: lifetime)
            #expect(try await Lab.answeringVersion(client, agent) == weak)

            let history = try await client.execute(uri: "/v1/models/history", method: .get, headers: lead)
            let moves = try #require(try JSONDecoder.iso8601.decode([String: [AliasChange]].self, from: Data(buffer: history.body))["history"])
            #expect(moves.map(\.action) == [.initial, .promote, .rollback, .promote, .rollback])
        }
        let adminID = try #require(try await lab.store.apiKeys().first { $0.role == .admin }?.id)
        let audit = try await lab.store.auditLog(limit: 100)
        #expect(audit.contains { $0.action == "model.champion.promote" && $0.actor == "key:\(adminID)" && $0.target == strong })
        #expect(audit.contains { $0.action == "model.champion.rollback" && $0.actor == "key:\(adminID)"
            && $0.details.contains("agents report misroutes") })
        #expect(audit.contains { $0.action == "model.champion.promote" && $0.actor == "cli:test" })
    }

    @Test func theChallengerScoresLiveTicketsInTheShadowOfTheChampion() async throws {
        let lab = try await Lab("server-shadow")
        let weak = lab.weak.run.modelVersion, strong = lab.strong.run.modelVersion
        let agent = try await lab.key(.agent), lead = try await lab.key(.lead), admin = try await lab.key(.admin)
        let tickets = [
            ("SH-1", "Nobody can sign in through Okta since this morning, error ORB-SSO-01"),
            ("SH-2", "I was charged twice for our subscription this month, please refund one payment"),
            ("SH-3", "The desktop app stopped syncing after the latest update"),
            ("SH-4", "Could you add a dark mode to the mobile app?"),
        ]
        try await Application(router: buildRouter(lab.services)).test(.router) { client in
            let none = try await client.execute(uri: "/v1/models/shadow", method: .get, headers: lead)
            #expect(none.status == .notFound)
            let named = try await Self.post(client, "/v1/models/challenger", admin, #"{"version": "\#(strong)"}"#)
            #expect(named.status == .ok)
            for (id, body) in tickets {
                let created = try await Self.post(client, "/v1/tickets", agent, #"{"externalID": "\#(id)", "body": "\#(body)"}"#)
                #expect(created.status == .created)
            }
            let corrected = try await Self.post(client, "/v1/tickets/SH-2/route", agent, #"{"category": "Billing", "priority": "P2"}"#)
            #expect(corrected.status == .ok)
            #expect(try await client.execute(uri: "/v1/models/shadow", method: .get, headers: agent).status == .forbidden)

            let response = try await client.execute(uri: "/v1/models/shadow", method: .get, headers: lead)
            #expect(response.status == .ok)
            let report = try JSONDecoder.iso8601.decode(ShadowReport.self, from: Data(buffer: response.body))
            #expect(report.challenger == strong && report.championVersions == [weak] && report.tickets == tickets.count)
            // The same numbers, recomputed from the two routers themselves.
            let pairs = tickets.map { (lab.weak.router.route($0.1), lab.strong.router.route($0.1)) }
            let agreeing = pairs.filter { $0.0.suggestedCategory == $0.1.suggestedCategory }.count
            #expect(report.categoryAgreement == Double(agreeing) / Double(tickets.count))
            let billing = pairs[1]
            #expect(report.category?.n == 1)
            #expect(report.category?.champion == (billing.0.suggestedCategory == "Billing" ? 1 : 0))
            #expect(report.category?.challenger == (billing.1.suggestedCategory == "Billing" ? 1 : 0))
            #expect(report.priority?.n == 1)

            let metrics = try await client.execute(uri: "/metrics", method: .get, headers: agent)
            #expect(String(buffer: metrics.body).contains(#"localtriage_shadow_predictions_total{outcome="recorded"} \#(tickets.count)"#))

            // The web UI: leads see the shadow evaluation; only admins change models.
            var leadUI = lead
            leadUI[.contentType] = "application/x-www-form-urlencoded"
            let page = try await client.execute(uri: "/ui/models", method: .get, headers: lead)
            let html = String(buffer: page.body)
            #expect(page.status == .ok && html.contains("scored \(tickets.count) live tickets") && html.contains(strong))
            #expect(!html.contains("/ui/models/rollback"), "leads get no admin forms")
            let refused = try await Self.post(client, "/ui/models/rollback", leadUI, "reason=no")
            #expect(refused.status == .forbidden)
            var adminUI = admin
            adminUI[.contentType] = "application/x-www-form-urlencoded"
            let promoted = try await Self.post(client, "/ui/models/promote", adminUI, "version=\(strong)")
            #expect(promoted.status == .seeOther)
            #expect(try await Lab.answeringVersion(client, agent) == strong)
            let after = String(buffer: try await client.execute(uri: promoted.headers[.location]!, method: .get, headers: admin).body)
            #expect(after.contains("is the champion") && after.contains("id=\"champion\">\(strong)<"))
            #expect(after.contains("No challenger is named"), "a promoted challenger stops being the challenger")
        }
    }

    @Test func metricsAndAnalyticsCarryTheLatestMonitorRun() async throws {
        let lab = try await Lab("server-monitor")
        let lead = try await lab.key(.lead)
        try await Application(router: buildRouter(lab.services)).test(.router) { client in
            let missing = try await client.execute(uri: "/v1/monitor", method: .get, headers: lead)
            #expect(missing.status == .notFound)
            let page = String(buffer: try await client.execute(uri: "/ui/analytics", method: .get, headers: lead).body)
            #expect(page.contains("The monitor has not run on this home yet"))
        }
        // A real monitor run: the demo tickets as the reference; as the window, a few of them and a new theme.
        let encoder = try #require(encoder)
        let reference = try RoutingDataset.read(path: Lab.demoTickets.path, textField: "body").examples.map(\.text)
        let newTheme = (0..<30).map { "Can I pay my Orbitask invoice with bitcoin or another crypto wallet? (order \($0))" }
        let window = Array(reference.prefix(30)) + newTheme
        let drift = DriftMonitor.report(reference: MonitorSample(texts: reference, embeddings: encoder.encode(reference)),
                                        window: MonitorSample(texts: window, embeddings: encoder.encode(window)))
        let themes = ThemeFinder.find(referenceTexts: reference, referenceEmbeddings: encoder.encode(reference),
                                      windowTexts: window, windowEmbeddings: encoder.encode(window))
        try MonitorReport(reference: "demo/tickets.jsonl", window: "test window", router: nil, drift: drift, themes: themes)
            .save(in: MonitorReport.directory(home: lab.home))

        try await Application(router: buildRouter(lab.services)).test(.router) { client in
            let metrics = String(buffer: try await client.execute(uri: "/metrics", method: .get, headers: lead).body)
            #expect(metrics.contains("localtriage_drift_alert \(drift.drifted ? 1 : 0)"))
            #expect(metrics.contains("localtriage_drift_check_value{check=\"embedding\""))
            #expect(metrics.contains("localtriage_emerging_themes \(themes.themes.count)"))
            let api = try await client.execute(uri: "/v1/monitor", method: .get, headers: lead)
            #expect(api.status == .ok)
            let page = String(buffer: try await client.execute(uri: "/ui/analytics", method: .get, headers: lead).body)
            #expect(page.contains("id=\"themes\"") && page.contains("test window"))
            #expect(themes.themes.contains { $0.terms.contains { ["bitcoin", "crypto", "wallet"].contains($0) } }, "\(themes.themes)")
            #expect(page.contains("bitcoin") || page.contains("crypto") || page.contains("wallet"))
        }
    }

    static func routerAliases(_ response: TestResponse, _ version: String) -> [String]? {
        let object = try? JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
        let models = object?["models"] as? [[String: Any]]
        return models?.first { $0["version"] as? String == version }?["aliases"] as? [String]
    }
}

extension JSONDecoder {
    static var iso8601: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }
}
