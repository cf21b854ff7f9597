import Domain
import Embeddings
import Foundation
import Hummingbird
import HummingbirdTesting
import Ingest
@testable import LLM
import Readers
import Routing
import Search
@testable import Server
import Store
import TestSupport
import Testing

/// all-MiniLM-L6-v2 from the .venv, when installed (search and similar tickets need it).
let encoder: SentenceEncoder? = {
    guard let directory = try? ModelLocator.miniLM(root: TestSupport.repositoryRoot) else { return nil }
    return try? SentenceEncoder(modelDirectory: directory)
}()

/// A home with the demo KB and tickets ingested and embedded, and a router trained on the demo tickets.
private actor DemoHome {
    static let shared = DemoHome()
    private var built: (home: URL, store: SQLiteStore)?

    func get() async throws -> (home: URL, store: SQLiteStore) {
        if let built { return built }
        let encoder = try #require(encoder)
        let home = try TestSupport.temporaryDirectory("server")
        let store = try SQLiteStore(home: home)
        let demo = TestSupport.repositoryRoot.appendingPathComponent("demo")
        _ = try await Ingestor(store: store).ingestKnowledgeBase(path: demo.appendingPathComponent("kb").path)
        _ = try await Ingestor(store: store).ingestTickets(path: demo.appendingPathComponent("tickets.jsonl").path)
        for kind in EmbeddedKind.allCases { try await EmbeddingIndexer(store: store, embedder: encoder).indexMissing(kind) }
        var options = RouterOptions()
        options.useEmbeddings = false
        let router = try Routing.Router.train(try RoutingDataset.read(path: demo.appendingPathComponent("tickets.jsonl").path,
                                                                      textField: "body").examples, options: options)
        let folder = home.appendingPathComponent("models/router/router-test")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try JSONEncoder().encode(router).write(to: folder.appendingPathComponent("router.json"))
        built = (home, store)
        return (home, store)
    }
}

@Suite(.serialized, .enabled(if: encoder != nil, "all-MiniLM-L6-v2 is not installed: run make setup"))
struct ServerTests {
    static func services(model: (any ChatModel)? = nil, modelReady: @escaping @Sendable () async -> Bool = { true })
        async throws -> (ServerServices, SQLiteStore) {
        let (home, store) = try await DemoHome.shared.get()
        let services = try await ServerServices.build(store: store, embedder: try #require(encoder), model: model, home: home,
                                                      modelReady: modelReady)
        return (services, store)
    }

    static func key(_ role: Role, _ store: SQLiteStore) async throws -> HTTPFields {
        let (_, secret) = try await APIKeys.create(name: "test \(role)", role: role, in: store, actor: "test")
        return [.authorization: "Bearer \(secret)", .contentType: "application/json"]
    }

    static func app(_ services: ServerServices) -> some ApplicationProtocol {
        Application(router: buildRouter(services))
    }

    @Test func everyRouteButTheProbesNeedsAKeyAndRolesAreEnforced() async throws {
        let (services, store) = try await Self.services()
        let agent = try await Self.key(.agent, store), lead = try await Self.key(.lead, store)
        let revoked = try await APIKeys.create(name: "gone", role: .admin, in: store, actor: "test")
        #expect(try await store.revokeAPIKey(id: revoked.key.id, actor: "test"))
        try await Self.app(services).test(.router) { client in
            let status1 = try await client.execute(uri: "/healthz", method: .get).status
            #expect(status1 == .ok)
            for uri in ["/metrics", "/v1/tickets", "/openapi.json", "/v1/models", "/v1/audit"] {
                let status2 = try await client.execute(uri: uri, method: .get).status
                #expect(status2 == .unauthorized, "\(uri) without a key")
            }
            let status3 = try await client.execute(uri: "/v1/tickets", method: .get, headers: [.authorization: "Bearer lt_nope_nope"]).status
            #expect(status3 == .unauthorized)
            let status4 = try await client.execute(uri: "/v1/tickets", method: .get, headers: [.authorization: "Bearer \(revoked.secret)"]).status
            #expect(status4 == .unauthorized)
            let status5 = try await client.execute(uri: "/v1/tickets", method: .get, headers: agent).status
            #expect(status5 == .ok)
            let status6 = try await client.execute(uri: "/v1/analytics", method: .get, headers: agent).status
            #expect(status6 == .forbidden)
            let status7 = try await client.execute(uri: "/v1/analytics", method: .get, headers: lead).status
            #expect(status7 == .ok)
            #expect(try await client.execute(uri: "/v1/audit", method: .get, headers: agent).status == .forbidden)
            let audit = try await client.execute(uri: "/v1/audit?limit=1000", method: .get, headers: lead)
            #expect(audit.status == .ok)
            let events = try JSONDecoder.iso.decode([String: [AuditEvent]].self, from: Data(buffer: audit.body))["events"] ?? []
            #expect(events.contains { $0.action == "key.revoke" && $0.target == revoked.key.id })
        }
    }

    @Test func badInputGetsA4xxNeverA5xx() async throws {
        let (services, store) = try await Self.services()
        let agent = try await Self.key(.agent, store)
        try await Self.app(services).test(.router) { client in
            let cases: [(String, HTTPRequest.Method, String?, HTTPResponse.Status)] = [
                ("/v1/tickets", .post, "{not json", .badRequest),
                ("/v1/tickets", .post, #"{"body": "   "}"#, .badRequest),
                ("/v1/tickets", .post, #"{"body": "x", "priority": "urgent-ish"}"#, .badRequest),
                // The ingest validator's rules apply to the API too.
                ("/v1/tickets", .post, #"{"body": "x", "language": "english please"}"#, .badRequest),
                ("/v1/tickets", .post, #"{"body": "\#(String(repeating: "a", count: 100_001))"}"#, .badRequest),
                ("/v1/tickets?limit=0", .get, nil, .badRequest),
                ("/v1/tickets?status=sideways", .get, nil, .badRequest),
                ("/v1/tickets/NOPE-1", .get, nil, .notFound),
                ("/v1/tickets/NOPE-1/route", .post, #"{"category": "Billing"}"#, .notFound),
                ("/v1/tickets/ORB-10001/route", .post, "{}", .badRequest),
                ("/v1/search", .get, nil, .badRequest),
                ("/v1/search?q=sync&mode=psychic", .get, nil, .badRequest),
                ("/v1/search?q=sync&k=1000", .get, nil, .badRequest),
                ("/v1/triage", .post, "{}", .badRequest),
                ("/v1/drafts", .post, #"{"ticketID": "NOPE-1"}"#, .notFound),
                ("/v1/drafts/nope/feedback", .post, #"{"verdict": "accepted"}"#, .notFound),
                ("/v1/tickets", .post, #"{"body": "\#(String(repeating: "a", count: 1_100_000))"}"#, .contentTooLarge),
            ]
            for (uri, method, body, expected) in cases {
                let response = try await client.execute(uri: uri, method: method, headers: agent, body: body.map { ByteBuffer(string: $0) })
                #expect(response.status == expected, "\(method) \(uri)")
                if expected != .contentTooLarge { #expect(String(buffer: response.body).contains(#""message""#)) }
            }
        }
    }

    @Test func aNewTicketIsTriagedListedCorrectedAndCounted() async throws {
        let (services, store) = try await Self.services()
        let agent = try await Self.key(.agent, store), lead = try await Self.key(.lead, store)
        try await Self.app(services).test(.router) { client in
            let created = try await client.execute(uri: "/v1/tickets", method: .post, headers: agent, body: ByteBuffer(string: #"""
                {"externalID": "API-1", "subject": "SSO down", "body": "Nobody in our company can sign in through Okta since this morning, error ORB-SSO-01"}
                """#))
            #expect(created.status == .created)
            #expect(String(buffer: created.body).contains(#""modelVersion":"router-test""#))
            let list = try await client.execute(uri: "/v1/tickets?limit=500", method: .get, headers: agent)
            #expect(String(buffer: list.body).contains("API-1"))
            let corrected = try await client.execute(uri: "/v1/tickets/API-1/route", method: .post, headers: agent,
                                                     body: ByteBuffer(string: #"{"category": "Billing", "priority": "P2"}"#))
            #expect(corrected.status == .ok)
            let ticket = try #require(try await store.ticket(externalID: "API-1"))
            #expect(ticket.category == "Billing" && ticket.priority == .p2)
            let analytics = try await client.execute(uri: "/v1/analytics", method: .get, headers: lead)
            let decoded = try JSONDecoder().decode(WorkflowAnalytics.self, from: Data(buffer: analytics.body))
            #expect(decoded.correctedRoutes >= 1)
        }
        #expect(try await store.auditLog(limit: 50).contains { $0.action == "route.correct" && $0.target == "API-1" })
    }

    @Test func draftsStreamOverSSEAndFeedbackIsRecorded() async throws {
        let (services, store) = try await Self.services()
        let agent = try await Self.key(.agent, store)
        try await Self.app(services).test(.ahc(.http)) { client in
            let response = try await client.execute(uri: "/v1/drafts?stream=true", method: .post, headers: agent,
                                                    body: ByteBuffer(string: #"{"ticketID": "ORB-10001"}"#))
            #expect(response.status == .ok && response.headers[.contentType] == "text/event-stream")
            let events = String(buffer: response.body)
            let lines = events.components(separatedBy: "\n")
            let draftEvent = try #require(lines.firstIndex(of: "event: draft"), "\(events)")
            let draftLine = try #require(lines[draftEvent...].first { $0.hasPrefix("data: {") })
            let draft = try #require(try JSONSerialization.jsonObject(with: Data(draftLine.dropFirst(6).utf8)) as? [String: Any])
            let draftID = try #require(draft["id"] as? String)
            let missingText = try await client.execute(uri: "/v1/drafts/\(draftID)/feedback", method: .post, headers: agent,
                                                       body: ByteBuffer(string: #"{"verdict": "edited"}"#))
            #expect(missingText.status == .badRequest)
            let edited = try await client.execute(uri: "/v1/drafts/\(draftID)/feedback", method: .post, headers: agent,
                                                  body: ByteBuffer(string: #"{"verdict": "edited", "finalText": "Please update the desktop app to 5.2.1."}"#))
            #expect(edited.status == .created)
            #expect(String(buffer: edited.body).contains("editDistance"))
            let rejected = try await client.execute(uri: "/v1/drafts/\(draftID)/feedback", method: .post, headers: agent,
                                                    body: ByteBuffer(string: #"{"verdict": "rejected", "reason": "wrong product"}"#))
            #expect(rejected.status == .created)
        }
        let actions = try await store.auditLog(limit: 50).map(\.action)
        #expect(actions.contains("draft.edited") && actions.contains("draft.rejected"))
    }

    @Test func readinessIsHonestWhenTheStoreOrTheModelIsDown() async throws {
        let (services, store) = try await Self.services()
        let agent = try await Self.key(.agent, store)
        let port = try LlamaServer.freePort()
        let downModel = try OpenAICompatibleClient(LLMConfiguration(baseURL: URL(string: "http://127.0.0.1:\(port)/v1")!, model: "m"))
        let modelDown = try await Self.services(model: downModel, modelReady: { await downModel.isReachable() }).0
        try await Self.app(modelDown).test(.router) { client in
            let response = try await client.execute(uri: "/readyz", method: .get, headers: agent)
            #expect(response.status == .serviceUnavailable)
            #expect(String(buffer: response.body).contains(#""model":"unreachable""#))
        }
        struct StoreDown: Error {}
        var storeDown = services
        storeDown.storeReady = { throw StoreDown() }  // fault injection: the store stops answering
        try await Self.app(storeDown).test(.router) { client in
            let response = try await client.execute(uri: "/readyz", method: .get, headers: agent)
            #expect(response.status == .serviceUnavailable)
            #expect(String(buffer: response.body).contains("unreachable"))
            // A probe without a key hears only that the server is not ready, not why.
            let probe = try await client.execute(uri: "/readyz", method: .get)
            #expect(probe.status == .serviceUnavailable && String(buffer: probe.body) == #"{"ready":false}"#)
        }
        try await Self.app(services).test(.router) { client in
            let response = try await client.execute(uri: "/readyz", method: .get, headers: agent)
            #expect(response.status == .ok, "the demo home with no model configured is ready")
        }
    }

    /// Triage of a stored ticket reuses its vector from ingest instead of encoding it again: that is only right
    /// when the vector is the embedding of the text the router sees.
    @Test func aTicketCreatedThroughTheAPIJoinsSimilarTicketSearchWhileTheServerRuns() async throws {
        let (services, store) = try await Self.services()
        let agent = try await Self.key(.agent, store)
        let model = services.embedder.identity.key
        let indexed = try await store.vectors(.ticket, model: model).count
        let refresher = Task { try await IndexRefresher(services: services, interval: .milliseconds(100)).run() }
        defer { refresher.cancel() }
        try await Self.app(services).test(.router) { client in
            let created = try await client.execute(uri: "/v1/tickets", method: .post, headers: agent, body: ByteBuffer(string: #"""
                {"externalID": "API-SIM-1", "subject": "Parrot", "status": "resolved",
                 "body": "Our office parrot keeps reading the quarterly invoice totals out loud in Portuguese"}
                """#))
            #expect(created.status == .created)
            let deadline = ContinuousClock.now + .seconds(90)
            while try await store.vectors(.ticket, model: model).count == indexed && ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(try await store.vectors(.ticket, model: model).count == indexed + 1, "embedded by the refresher")
            // No word in common with any ticket (keyword search finds nothing): found by its vector.
            let similar = try await client.execute(uri: "/v1/similar?q=talking%20bird%20recites%20sums%20aloud&k=3",
                                                   method: .get, headers: agent)
            #expect(String(buffer: similar.body).contains("API-SIM-1"))
        }
    }

    @Test func aStoredTicketsVectorIsTheEmbeddingOfTheTextTriageRoutes() async throws {
        let (_, store) = try await DemoHome.shared.get()
        let encoder = try #require(encoder)
        for id in ["ORB-10001", "ORB-10108", "ORB-10203"] {
            let (ticket, vector) = try #require(try await store.ticketWithVector(externalID: id, model: encoder.identity.key))
            #expect(ticket == (try await store.ticket(externalID: id)))
            let stored = try #require(vector)
            let fresh = try #require(encoder.encode([ticket.text]).first)
            #expect(Domain.dot(stored, fresh) > 0.9999, "\(id)")
        }
        #expect(try await store.ticketWithVector(externalID: "NOPE-1", model: encoder.identity.key) == nil)
    }

    @Test func theOpenAPIDocumentDescribesExactlyTheRoutes() async throws {
        let (services, _) = try await Self.services()
        let table = RouteTable()
        _ = buildRouter(services, routes: table)
        let documented = try OpenAPIDocument.operations()
        #expect(table.routes.subtracting(documented).isEmpty, "undocumented: \(table.routes.subtracting(documented).sorted())")
        #expect(documented.subtracting(table.routes).isEmpty, "documented but missing: \(documented.subtracting(table.routes).sorted())")
        #expect(try OpenAPIDocument.html().contains("/v1/drafts/{id}/feedback"))
    }
}

@Suite(.serialized, .enabled(if: encoder != nil, "all-MiniLM-L6-v2 is not installed: run make setup"))
struct WebUITests {
    @Test func signInThenInboxTicketAndAnalyticsPages() async throws {
        let (services, store) = try await ServerTests.services()
        let agent = try await APIKeys.create(name: "ui agent", role: .agent, in: store, actor: "test")
        let lead = try await APIKeys.create(name: "ui lead", role: .lead, in: store, actor: "test")
        try await ServerTests.app(services).test(.router) { client in
            let anonymous = try await client.execute(uri: "/ui/inbox", method: .get)
            #expect(anonymous.status == .seeOther && anonymous.headers[.location] == "/ui/login")
            let session = try await WebSession.signIn(client, secret: agent.secret).cookie
            let inbox = try await client.execute(uri: "/ui/inbox", method: .get, headers: session)
            let html = String(buffer: inbox.body)
            #expect(inbox.status == .ok && html.contains("/ui/tickets/ORB-10001") && html.contains("Predicted queue"))
            #expect(inbox.headers[.contentSecurityPolicy]?.contains("script-src 'self'") == true, "no inline or third-party scripts")
            #expect(!html.contains("http://") && !html.contains("https://"), "nothing is loaded from elsewhere")

            let ticket = try await client.execute(uri: "/ui/tickets/ORB-10001", method: .get, headers: session)
            #expect(String(buffer: ticket.body).contains(#"data-ticket="ORB-10001""#))
            let forbidden = try await client.execute(uri: "/ui/analytics", method: .get, headers: session)
            #expect(forbidden.status == .forbidden)
            let analytics = try await client.execute(uri: "/ui/analytics", method: .get, headers: try await WebSession.signIn(client, secret: lead.secret).cookie)
            let charts = String(buffer: analytics.body)
            #expect(analytics.status == .ok && charts.contains("<svg") && charts.contains("<rect"))
            #expect(!charts.contains("SQL("), "chart markup is HTML, not a debug description of another type")
        }
    }
}
