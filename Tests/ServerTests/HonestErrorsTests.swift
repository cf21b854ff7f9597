import Domain
import Foundation
import GRDB
import Hummingbird
import HummingbirdTesting
@testable import Server
import Store
import TestSupport
import Testing

/// Item 19 of issue 15: every error says what went wrong; a full disk is a 507 and readiness says so; probes and
/// scrapers need no agent key; a stalled client is let go; a ticket cannot be dated in the future.
@Suite(.serialized, .enabled(if: encoder != nil, "all-MiniLM-L6-v2 is not installed: run make setup"))
struct HonestErrorsTests {
    static func message(_ response: TestResponse) -> String? {
        let json = try? JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
        return (json?["error"] as? [String: Any])?["message"] as? String
    }

    static func code(_ response: TestResponse) -> String? {
        let json = try? JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
        return (json?["error"] as? [String: Any])?["code"] as? String
    }

    /// The status and the stable code are chosen by what went wrong, whoever threw it.
    @Test func everyErrorCarriesAStableCodeBesideItsStatus() async throws {
        let (services, store) = try await ServerTests.services()
        let agent = try await ServerTests.key(.agent, store)
        try await ServerTests.app(services).test(.router) { client in
            let cases: [(String, HTTPRequest.Method, HTTPFields, String?, HTTPResponse.Status, String)] = [
                ("/v1/tickets", .get, [:], nil, .unauthorized, "unauthenticated"),
                ("/v1/models/promote", .post, agent, #"{"version": "x"}"#, .forbidden, "forbidden"),
                ("/v1/no-such-thing", .get, agent, nil, .notFound, "not_found"),
                ("/v1/tickets/NO-SUCH-TICKET", .get, agent, nil, .notFound, "not_found"),
                ("/v1/tickets?limit=0", .get, agent, nil, .badRequest, "invalid_request"),
                ("/v1/tickets", .post, agent, #"{"body": 7}"#, .badRequest, "invalid_request"),
            ]
            for (uri, method, headers, body, status, code) in cases {
                let response = try await client.execute(uri: uri, method: method, headers: headers,
                                                        body: body.map { ByteBuffer(string: $0) })
                #expect(response.status == status && Self.code(response) == code && Self.message(response) != nil,
                        "\(method) \(uri): \(response.status) \(String(buffer: response.body))")
                #expect(response.headers[.contentType]?.hasPrefix("application/json") == true)
            }
        }
    }

    @Test func unknownRoutesAndOversizedBodiesAnswerWithAMessage() async throws {
        let (services, store) = try await ServerTests.services()
        let agent = try await ServerTests.key(.agent, store)
        try await ServerTests.app(services).test(.router) { client in
            let missing = try await client.execute(uri: "/v1/no-such-thing", method: .get, headers: agent)
            #expect(missing.status == .notFound && Self.message(missing)?.contains("/v1/no-such-thing") == true)
            let unrouted = try await client.execute(uri: "/nowhere", method: .get)
            #expect(unrouted.status == .notFound && Self.message(unrouted) != nil)
            let huge = ByteBuffer(string: #"{"body": ""# + String(repeating: "a", count: 2 << 20) + #""}"#)
            let tooLarge = try await client.execute(uri: "/v1/tickets", method: .post, headers: agent, body: huge)
            #expect(tooLarge.status == .contentTooLarge && Self.message(tooLarge)?.contains("larger") == true)
            #expect(Self.code(tooLarge) == "too_large")
        }
    }

    @Test func aFullDiskAnswers507AndReadinessSaysSo() async throws {
        let home = try TestSupport.temporaryDirectory("disk-full")
        let path = home.appendingPathComponent("store.sqlite").path
        let (_, secret) = try await APIKeys.create(name: "full", role: .agent, in: try SQLiteStore(path: path), actor: "test")
        // The same file, allowed to grow by two pages only (opening it takes one): SQLite then refuses the next
        // page with SQLITE_FULL, as on a full disk.
        let pages = try await DatabaseQueue(path: path).read { db in try Int.fetchOne(db, sql: "PRAGMA page_count") ?? 0 }
        let full = try SQLiteStore(path: path, maxPageCount: pages + 2)
        let services = try await ServerServices.build(store: full, embedder: try #require(encoder), model: nil, home: home,
                                                      modelReady: { true })
        let key: HTTPFields = [.authorization: "Bearer \(secret)", .contentType: "application/json"]
        try await ServerTests.app(services).test(.router) { client in
            #expect(try await client.execute(uri: "/readyz", method: .get, headers: key).status == .ok)
            let body = String(repeating: "My invoice total is wrong and I need it fixed. ", count: 400)
            let write = try await client.execute(uri: "/v1/tickets", method: .post, headers: key,
                                                 body: ByteBuffer(string: #"{"externalID": "FULL-1", "body": "\#(body)"}"#))
            #expect(write.status.code == 507 && Self.message(write)?.contains("disk is full") == true)
            #expect(Self.code(write) == "storage_full")
            let ready = try await client.execute(uri: "/readyz", method: .get, headers: key)
            let readiness = try JSONSerialization.jsonObject(with: Data(buffer: ready.body)) as? [String: Any]
            #expect(ready.status == .serviceUnavailable && (readiness?["store"] as? String)?.hasPrefix("failing") == true)
            // A probe without a key learns only that the server is not ready.
            let probe = try await client.execute(uri: "/readyz", method: .get)
            #expect(probe.status == .serviceUnavailable && String(buffer: probe.body) == #"{"ready":false}"#)
        }
    }

    @Test func probesAndScrapersNeedNoAgentKey() async throws {
        let (services, store) = try await ServerTests.services()
        let scraper = try await ServerTests.key(.metrics, store)
        try await ServerTests.app(services).test(.router) { client in
            let probe = try await client.execute(uri: "/readyz", method: .get)
            #expect(probe.status == .ok && String(buffer: probe.body) == #"{"ready":true}"#)
            let detail = try await client.execute(uri: "/readyz", method: .get, headers: scraper)
            #expect(String(buffer: detail.body).contains(#""store":"ok""#))
            #expect(try await client.execute(uri: "/metrics", method: .get).status == .unauthorized)
            let metrics = try await client.execute(uri: "/metrics", method: .get, headers: scraper)
            #expect(metrics.status == .ok && String(buffer: metrics.body).contains("# TYPE"))
            // The metrics role reads nothing else.
            for path in ["/v1/tickets", "/v1/analytics", "/ui/inbox"] {
                #expect(try await client.execute(uri: path, method: .get, headers: scraper).status == .forbidden, "\(path)")
            }
        }
    }

    @Test func aClientThatStopsHalfwayIsLetGo() async throws {
        let (services, _) = try await ServerTests.services()
        let app = buildApplication(services, configuration: ServerConfiguration(host: "127.0.0.1", port: 0, idleTimeout: .seconds(1)))
        try await app.test(.live) { client in
            let port = try #require(client.port)
            let halfHead = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: "
            let halfBody = "POST /v1/tickets HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"body\": "
            for request in [halfHead, halfBody] {
                // Without the idle timeout the connection would stay open for good; a loaded machine may take
                // several seconds past the 1 s timeout to close it, so the bound is only "closed at all".
                let closed = try await HalfSentRequest.timeUntilClosed(port: port, sending: request, limit: .seconds(90))
                #expect(closed != nil, "still open after 90 s")
            }
        }
    }

    @Test func aTicketDatedInTheFutureIsRefused() async throws {
        let (services, store) = try await ServerTests.services()
        let agent = try await ServerTests.key(.agent, store)
        try await ServerTests.app(services).test(.router) { client in
            let future = try await client.execute(uri: "/v1/tickets", method: .post, headers: agent,
                                                  body: ByteBuffer(string: #"{"externalID": "FUTURE-1", "body": "Pin me.", "createdAt": "2099-01-01T00:00:00Z"}"#))
            #expect(future.status == .badRequest && Self.message(future)?.contains("future") == true)
            #expect(try await store.ticket(externalID: "FUTURE-1") == nil)
            let bulk = try await client.execute(uri: "/v1/tickets/bulk", method: .post, headers: agent,
                                                body: ByteBuffer(string: #"[{"externalID": "FUTURE-2", "body": "Pin me too.", "createdAt": "2099-01-01T00:00:00Z"}]"#))
            #expect(bulk.status == .ok && String(buffer: bulk.body).contains("future"))
            #expect(try await store.ticket(externalID: "FUTURE-2") == nil)
        }
    }
}
