import Application
import Domain
import Foundation
import Hummingbird
import HummingbirdTesting
import Ingest
import Search
@testable import Server
import Store
import TestSupport
import Testing

/// The server on PostgreSQL, and two replicas sharing one database: what one takes in, the other finds.
@Suite(.serialized, .enabled(if: encoder != nil && TestSupport.postgresURL != nil,
                             "needs all-MiniLM-L6-v2 (make setup) and LOCALTRIAGE_TEST_POSTGRES_URL (make test starts one)"))
struct PostgresServerTests {
    static func key(_ role: Role, _ store: any AccessStore) async throws -> HTTPFields {
        let (_, secret) = try await APIKeys.create(name: "test \(role)", role: role, in: store, actor: "test")
        return [.authorization: "Bearer \(secret)", .contentType: "application/json"]
    }

    @Test func aTicketTakenInByOneReplicaIsFoundBySimilarSearchOnTheOther() async throws {
        let encoder = try #require(encoder)
        try await TestSupport.withPostgresDatabase { url in
            let configuration = try StoreConfiguration(url: url, home: try TestSupport.temporaryDirectory("pg-server"))
            try await configuration.withStore { first in
                let demo = TestSupport.repositoryRoot.appendingPathComponent("demo")
                _ = try await Ingestor(store: first).ingestKnowledgeBase(path: demo.appendingPathComponent("kb").path)
                _ = try await Ingestor(store: first).ingestTickets(path: demo.appendingPathComponent("tickets.jsonl").path)
                for kind in EmbeddedKind.allCases { try await EmbeddingIndexer(store: first, embedder: encoder).indexMissing(kind) }
                // A second pool on the same database: another replica.
                try await configuration.withStore { second in
                    let replicaA = try await ServerServices.build(store: first, embedder: encoder, model: nil,
                                                                  home: try TestSupport.temporaryDirectory("replica-a"), modelReady: { true })
                    let replicaB = try await ServerServices.build(store: second, embedder: encoder, model: nil,
                                                                  home: try TestSupport.temporaryDirectory("replica-b"), modelReady: { true })
                    // A key made through one replica's store works on the other.
                    let agent = try await Self.key(.agent, first)
                    let refresherB = Task { try await IndexRefresher(services: replicaB, interval: .milliseconds(100)).run() }
                    defer { refresherB.cancel() }
                    try await Application(router: buildRouter(replicaA)).test(.router) { a in
                        try await Application(router: buildRouter(replicaB)).test(.router) { b in
                            let search = try await b.execute(uri: "/v1/search?q=charged%20twice%20this%20month&k=3", method: .get, headers: agent)
                            #expect(search.status == .ok && String(buffer: search.body).lowercased().contains("billing"), "\(String(buffer: search.body))")

                            let created = try await a.execute(uri: "/v1/tickets", method: .post, headers: agent, body: ByteBuffer(string: #"""
                                {"externalID": "PG-SIM-1", "subject": "Parrot", "status": "resolved",
                                 "body": "Our office parrot keeps reading the quarterly invoice totals out loud in Portuguese"}
                                """#))
                            #expect(created.status == .created)
                            let started = ContinuousClock.now
                            var found = false
                            while !found && ContinuousClock.now - started < .seconds(90) {
                                // No word in common with the ticket: found by its vector, embedded by replica B's refresher.
                                let similar = try await b.execute(uri: "/v1/similar?q=talking%20bird%20recites%20sums%20aloud&k=3",
                                                                  method: .get, headers: agent)
                                found = String(buffer: similar.body).contains("PG-SIM-1")
                                if !found { try await Task.sleep(for: .milliseconds(50)) }
                            }
                            #expect(found, "replica B never found the ticket replica A took in")
                            print("PostgresServerTests: found on replica B \(ContinuousClock.now - started) after replica A took it in")
                            let read = try await b.execute(uri: "/v1/tickets?q=parrot", method: .get, headers: agent)
                            #expect(String(buffer: read.body).contains("PG-SIM-1"))
                        }
                    }
                }
            }
        }
    }
}
