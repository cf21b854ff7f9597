import Domain
import Foundation
import Hummingbird
import HummingbirdTesting
import Ingest
import Readers
import Search
@testable import Server
import Store
import TestSupport
import Testing

/// The approved-answer library through the API, drafts that come from it, and the inbox's filters — on a home of
/// their own (mining and approving would change what other suites' drafts come from).
@Suite(.serialized, .enabled(if: encoder != nil, "all-MiniLM-L6-v2 is not installed: run make setup"))
struct AnswerServerTests {
    static func services() async throws -> (ServerServices, SQLiteStore) {
        let encoder = try #require(encoder)
        let home = try TestSupport.temporaryDirectory("answers-server")
        let store = try SQLiteStore(home: home)
        let demo = TestSupport.repositoryRoot.appendingPathComponent("demo")
        _ = try await Ingestor(store: store).ingestKnowledgeBase(path: demo.appendingPathComponent("kb").path)
        _ = try await Ingestor(store: store).ingestTickets(path: demo.appendingPathComponent("tickets.jsonl").path)
        for kind in EmbeddedKind.allCases { try await EmbeddingIndexer(store: store, embedder: encoder).indexMissing(kind) }
        return (try await ServerServices.build(store: store, embedder: encoder, model: nil, home: home, modelReady: { true }), store)
    }

    @Test func leadsMineAndApproveAgentsGetTheAnswerAsTheirDraftAndProposeTheirEdits() async throws {
        let (services, store) = try await Self.services()
        let agent = try await ServerTests.key(.agent, store), lead = try await ServerTests.key(.lead, store)
        try await ServerTests.app(services).test(.router) { client in
            let refused = try await client.execute(uri: "/v1/answers/mine", method: .post, headers: agent)
            #expect(refused.status == .forbidden)
            let mined = try await client.execute(uri: "/v1/answers/mine", method: .post, headers: lead)
            #expect(mined.status == .ok)
            let list = try await client.execute(uri: "/v1/answers?status=candidate", method: .get, headers: agent)
            let answers = try JSONDecoder.iso.decode(AnswerList.self, from: Data(buffer: list.body))
            #expect(answers.answers.count >= 10 && answers.calibration != nil)
            // The double-charge group: its resolution reported a refund made for that customer.
            let charge = try #require(answers.answers.first { $0.body.contains("card authorisation") })
            #expect(!charge.body.contains("refunded it in full") && !charge.withheld.isEmpty)

            let agentApproves = try await client.execute(uri: "/v1/answers/\(charge.id)/approve", method: .post, headers: agent,
                                                         body: ByteBuffer(string: "{}"))
            #expect(agentApproves.status == .forbidden)
            let approved = try await client.execute(uri: "/v1/answers/\(charge.id)/approve", method: .post, headers: lead,
                                                    body: ByteBuffer(string: #"{"reason": "reviewed"}"#))
            #expect(approved.status == .ok)
            let stale = try await client.execute(uri: "/v1/answers/\(charge.id)", method: .put, headers: lead,
                                                 body: ByteBuffer(string: #"{"body": "An edit from an old copy.", "version": 7}"#))
            #expect(stale.status == .conflict)
            #expect(try await client.execute(uri: "/v1/answers/ans-none", method: .get, headers: agent).status == .notFound)

            try await services.answers.refresh()
            let created = try await client.execute(uri: "/v1/tickets", method: .post, headers: agent, body: ByteBuffer(string: #"""
                {"externalID": "API-CHARGE-1", "subject": "Charged twice", "body": "You billed my card twice this month for the same plan."}
                """#))
            #expect(created.status == .created)
            let drafted = try await client.execute(uri: "/v1/drafts", method: .post, headers: agent,
                                                   body: ByteBuffer(string: #"{"ticketID": "API-CHARGE-1"}"#))
            let draft = try JSONSerialization.jsonObject(with: Data(buffer: drafted.body)) as? [String: Any]
            #expect(draft?["kind"] as? String == "answer", "\(String(buffer: drafted.body).prefix(300))")
            #expect((draft?["answer"] as? [String: Any])?["id"] as? String == charge.id)
            let draftID = try #require(draft?["id"] as? String)

            let edited = try await client.execute(uri: "/v1/drafts/\(draftID)/feedback", method: .post, headers: agent, body: ByteBuffer(
                string: #"{"verdict": "edited", "finalText": "Hi Sam, we see two charges on invoice INV-2026-0042. The duplicate is refunded in 5–10 business days."}"#))
            #expect(edited.status == .created)
            let proposed = try await client.execute(uri: "/v1/answers", method: .post, headers: agent,
                                                    body: ByteBuffer(string: #"{"fromDraft": "\#(draftID)"}"#))
            #expect(proposed.status == .created)
            let candidate = try JSONDecoder.iso.decode(LibraryAnswer.self, from: Data(buffer: proposed.body))
            #expect(candidate.origin == .editedDraft && candidate.status == .candidate && candidate.examples == 1)
            #expect(candidate.body.contains("{{Invoice Number}}") && !candidate.body.contains("INV-2026-0042"))
            let written = try await client.execute(uri: "/v1/answers", method: .post, headers: agent,
                                                   body: ByteBuffer(string: #"{"title": "Mine", "body": "Written by an agent."}"#))
            #expect(written.status == .forbidden, "agents propose from their drafts; writing an answer is a lead's")

            let usage = try #require(try await store.answer(id: charge.id)).usage
            #expect(usage.drafts == 1 && usage.edited == 1 && usage.editRate == 1)
        }
        let actions = try await store.auditLog(limit: 200).map(\.action)
        #expect(actions.contains("answers.mine") && actions.contains("answer.approve") && actions.contains("answer.propose"))
    }

    @Test func draftsStreamOnlyWhatIsVerified() async throws {
        let (services, store) = try await Self.services()
        let agent = try await ServerTests.key(.agent, store)
        try await ServerTests.app(services).test(.ahc(.http)) { client in
            let response = try await client.execute(uri: "/v1/drafts?stream=true", method: .post, headers: agent,
                                                    body: ByteBuffer(string: #"{"ticketID": "ORB-10001"}"#))
            let events = String(buffer: response.body).components(separatedBy: "\n").filter { $0.hasPrefix("event: ") }
            #expect(events.contains("event: status") && events.last == "event: draft")
            #expect(events.filter { $0 == "event: draft" }.count == 1 && !events.contains("event: token"))
        }
    }

    @Test func theInboxFiltersByLanguageRoutingAndWordsAndSortsBySLADeadline() async throws {
        let (services, store) = try await Self.services()
        let agent = try await ServerTests.key(.agent, store)
        try await ServerTests.app(services).test(.router) { client in
            func page(_ query: String) async throws -> [TicketSummary] {
                let response = try await client.execute(uri: "/v1/tickets?\(query)", method: .get, headers: agent)
                #expect(response.status == .ok, "\(query)")
                return try JSONDecoder.iso.decode(TicketPageBody.self, from: Data(buffer: response.body)).items
            }
            let spanish = try await page("language=es&limit=500")
            #expect(!spanish.isEmpty && spanish.allSatisfy { $0.ticket.language?.hasPrefix("es") == true })
            let sync = try await page("q=desktop%20sync&limit=500")  // subject, body and resolution
            #expect(!sync.isEmpty && sync.allSatisfy { [$0.ticket.subject, $0.ticket.text, $0.ticket.resolution].compactMap { $0 }.joined(separator: " ").localizedCaseInsensitiveContains("sync") })
            let bySLA = try await page("sort=sla&status=open&limit=500")
            let deadlines = bySLA.compactMap { t in t.ticket.createdAt.map { $0.addingTimeInterval((SLAPolicy().hours[t.ticket.priority ?? .p3] ?? 24) * 3_600) } }
            #expect(deadlines.count > 2 && deadlines == deadlines.sorted())
            let first = try await page("limit=200"), second = try await page("limit=200&offset=200")
            #expect(first.count == 200 && !second.isEmpty && Set(first.map(\.ticket.externalID)).isDisjoint(with: second.map(\.ticket.externalID)))
            let breached = try await page("sla=breached&limit=500")
            #expect(breached.allSatisfy { SLAPolicy().risk(of: $0.ticket) == .breached })
            let bad = try await client.execute(uri: "/v1/tickets?sort=alphabetical", method: .get, headers: agent)
            #expect(bad.status == .badRequest)
        }
        let session: HTTPFields = [.authorization: "Bearer \(try await APIKeys.create(name: "ui", role: .agent, in: store, actor: "t").secret)"]
        try await ServerTests.app(services).test(.router) { client in
            let html = String(buffer: try await client.execute(uri: "/ui/inbox?language=de&sort=sla", method: .get, headers: session).body)
            #expect(html.contains(#"id="inbox-filters""#) && html.contains("Nearest first-response deadline first"))
        }
    }
}

private struct TicketPageBody: Decodable { var items: [TicketSummary] }

extension JSONDecoder {
    static var iso: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }
}
