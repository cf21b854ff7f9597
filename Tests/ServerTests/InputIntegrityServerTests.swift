import Domain
import Foundation
import Hummingbird
import HummingbirdTesting
import Rendering
@testable import Server
import Store
import TestSupport
import Testing

/// Issue 15, items 8, 12 and 14 at the API: NUL characters refused, retried bulk requests not duplicated, ids
/// with reserved characters reachable.
@Suite(.serialized, .enabled(if: encoder != nil, "all-MiniLM-L6-v2 is not installed: run make setup"))
struct InputIntegrityServerTests {
    /// Percent-encodes everything but ASCII letters and digits, as a careful client does.
    private func encoded(_ id: String) -> String {
        id.addingPercentEncoding(withAllowedCharacters: CharacterSet(
            charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"))!
    }

    private func json(_ buffer: ByteBuffer) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(String(buffer: buffer).utf8)) as? [String: Any])
    }

    @Test func nulCharactersAreRefusedWith400NeverStoredCutShort() async throws {
        let (services, store) = try await ServerTests.services()
        let agent = try await ServerTests.key(.agent, store)
        let token = "nul" + UUID().uuidString.prefix(8).lowercased()
        try await ServerTests.app(services).test(.router) { client in
            for body in [#"{"body": "before\u0000after"}"#, #"{"externalID": "\#(token)\u0000x", "body": "ok"}"#,
                         #"{"subject": "s\u0000", "body": "ok"}"#, #"{"customer": "\u0000", "body": "ok"}"#] {
                let response = try await client.execute(uri: "/v1/tickets", method: .post, headers: agent,
                                                        body: ByteBuffer(string: body))
                #expect(response.status == .badRequest, "\(body)")
                #expect(String(buffer: response.body).contains("NUL"), "\(body)")
            }
            #expect(try await store.ticket(externalID: token) == nil)
            let bulk = try await client.execute(uri: "/v1/tickets/bulk", method: .post, headers: agent, body: ByteBuffer(
                string: #"[{"externalID": "\#(token)-ok", "body": "fine"}, {"externalID": "\#(token)-bad", "body": "a\u0000b"}]"#))
            let result = try json(bulk.body)
            #expect(result["stored"] as? Int == 1 && (result["rejected"] as? [[String: Any]])?.first?["index"] as? Int == 1)
            #expect(try await store.ticket(externalID: "\(token)-bad") == nil)
            for uri in ["/v1/tickets/\(token)%00x", "/v1/tickets/%E9%ZZ", "/v1/tickets/%C3"] {
                let status = try await client.execute(uri: uri, method: .get, headers: agent).status
                #expect(status == .badRequest, "\(uri)")
            }
        }
    }

    @Test func aRetriedBulkRequestWithoutIdsStoresNothingTwice() async throws {
        let (services, store) = try await ServerTests.services()
        let agent = try await ServerTests.key(.agent, store)
        let token = "retry" + UUID().uuidString.prefix(8).lowercased().filter(\.isLetter)
        // Two identical tickets (two customers writing the same words) and a third, all without ids.
        let request = #"[{"body": "Cannot sign in \#(token)"}, {"body": "Cannot sign in \#(token)"},"#
            + #" {"subject": "Refund", "body": "Refund \#(token)"}]"#
        try await ServerTests.app(services).test(.router) { client in
            var results: [[String: Any]] = []
            for _ in 1...3 {
                let response = try await client.execute(uri: "/v1/tickets/bulk", method: .post, headers: agent,
                                                        body: ByteBuffer(string: request))
                #expect(response.status == .ok)
                results.append(try json(response.body))
            }
            #expect(results.map { $0["stored"] as? Int } == [3, 0, 0])
            #expect(results.map { $0["existing"] as? Int } == [0, 3, 3])
        }
        let stored = try await store.tickets(TicketQuery(text: token, limit: 50))
        #expect(stored.count == 3)
        #expect(Set(stored.map(\.ticket.externalID)).count == 3 && stored.allSatisfy { $0.ticket.externalID.hasPrefix("api-") })
    }

    @Test func idsWithReservedCharactersAreReachableInTheAPIAndTheInbox() async throws {
        let (services, store) = try await ServerTests.services()
        let agent = try await APIKeys.create(name: "ids agent", role: .agent, in: store, actor: "test")
        let headers: HTTPFields = [.authorization: "Bearer \(agent.secret)"]
        let run = UUID().uuidString.prefix(6)
        let ids = ["My Export:\(run) 1", "café-\(run)", "a/b-\(run)", "what?\(run)", "hash#\(run)", "100%-\(run)",
                   "plus+\(run)", "quote\"<\(run)>"]
        for id in ids { try await store.upsertTicket(Ticket(externalID: id, body: "Reachable \(id)", createdAt: Date()), actor: "test") }
        try await ServerTests.app(services).test(.router) { client in
            for id in ids {
                let response = try await client.execute(uri: "/v1/tickets/\(encoded(id))", method: .get, headers: headers)
                #expect(response.status == .ok, "\(id)")
                let ticket = try json(response.body)["ticket"] as? [String: Any]
                #expect(ticket?["externalID"] as? String == id)
            }
            let session: HTTPFields = [.authorization: "Bearer \(agent.secret)"]
            let inbox = String(buffer: try await client.execute(uri: "/ui/inbox", method: .get, headers: session).body)
            for id in ids {
                let href = "/ui/tickets/\(HTML.segment(id))"
                #expect(inbox.contains(#"href="\#(href)""#), "\(id)")
                // The link the inbox renders leads to the ticket's page.
                let page = try await client.execute(uri: href.replacingOccurrences(of: "&quot;", with: "\""),
                                                    method: .get, headers: session)
                #expect(page.status == .ok && String(buffer: page.body).contains(#"data-ticket="\#(HTML.escape(id))""#), "\(id)")
            }
        }
    }
}
