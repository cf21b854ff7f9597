import Application
import Domain
import Foundation
import Hummingbird
import HummingbirdTesting
import Ingest
import Lifecycle
import Monitoring
import Routing
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

    /// A router trained in one home is in the database: a replica whose home is empty answers with it, and a
    /// promotion made through another replica answers there within the aliases' lifetime.
    @Test func aReplicaWithAnEmptyHomeAnswersWithTheChampionAndFollowsAPromotionMadeOnAnother() async throws {
        let encoder = try #require(encoder)
        try await TestSupport.withPostgresDatabase { url in
            let trainer = try TestSupport.temporaryDirectory("pg-trainer")
            let configuration = try StoreConfiguration(url: url, home: trainer)
            try await configuration.withStore { first in
                _ = try await Ingestor(store: first).ingestTickets(path: ModelLifecycleServerTests.Lab.demoTickets.path)
                let (weak, strong) = try await ModelLifecycleServerTests.Lab.trainWeakAndStrong(ModelRegistry(store: first, home: trainer))
                let (weakVersion, strongVersion) = (weak.run.modelVersion, strong.run.modelVersion)
                try await configuration.withStore { second in
                    let homeA = try TestSupport.temporaryDirectory("replica-a"), homeB = try TestSupport.temporaryDirectory("replica-b")
                    let replicaA = try await ServerServices.build(store: first, embedder: encoder, model: nil, home: homeA, modelReady: { true })
                    let replicaB = try await ServerServices.build(store: second, embedder: encoder, model: nil, home: homeB, modelReady: { true })
                    let agent = try await Self.key(.agent, first), admin = try await Self.key(.admin, first)
                    try await Application(router: buildRouter(replicaA)).test(.router) { a in
                        try await Application(router: buildRouter(replicaB)).test(.router) { b in
                            #expect(try await ModelLifecycleServerTests.Lab.answeringVersion(b, agent) == weakVersion)
                            let restored = RouterArtifact.directory(version: weakVersion, home: homeB)
                            for file in ["router.json", "manifest.json", "MODEL_CARD.md"] {
                                #expect(try Data(contentsOf: restored.appendingPathComponent(file))
                                        == Data(contentsOf: RouterArtifact.directory(version: weakVersion, home: trainer).appendingPathComponent(file)),
                                        "\(file) written into B's home from the database, byte for byte")
                            }

                            let promoted = try await a.execute(uri: "/v1/models/promote", method: .post, headers: admin,
                                                               body: ByteBuffer(string: #"{"version": "\#(strongVersion)"}"#))
                            #expect(promoted.status == .ok, "\(String(buffer: promoted.body))")
                            let started = ContinuousClock.now
                            var answering = weakVersion
                            while answering != strongVersion && ContinuousClock.now - started < .seconds(60) {
                                answering = try await ModelLifecycleServerTests.Lab.answeringVersion(b, agent)
                            }
                            let waited = ContinuousClock.now - started
                            print("PostgresServerTests: the promotion made through replica A answered on replica B after \(waited)")
                            #expect(answering == strongVersion, "replica B never answered with the promoted champion")
                            // The aliases' lifetime (a second) plus loading the new version; bounded loosely for loaded machines.
                            #expect(waited < replicaB.routers.aliasLifetime + .seconds(20))

                            // A monitor run made in the trainer's home (as `localtriage monitor` saves it) is B's latest too.
                            let lead = try await Self.key(.lead, first)
                            #expect(try await b.execute(uri: "/v1/monitor", method: .get, headers: lead).status == .notFound)
                            let texts = try RoutingDataset.read(path: ModelLifecycleServerTests.Lab.demoTickets.path, textField: "body")
                                .examples.map(\.text)
                            let (reference, window) = (Array(texts.prefix(40)), Array(texts.suffix(40)))
                            let (referenceVectors, windowVectors) = (encoder.encode(reference), encoder.encode(window))
                            let drift = DriftMonitor.report(reference: MonitorSample(texts: reference, embeddings: referenceVectors),
                                                            window: MonitorSample(texts: window, embeddings: windowVectors))
                            let themes = ThemeFinder.find(referenceTexts: reference, referenceEmbeddings: referenceVectors,
                                                          windowTexts: window, windowEmbeddings: windowVectors)
                            try MonitorReport(reference: "demo", window: "replicated window", router: nil, drift: drift, themes: themes)
                                .save(in: MonitorReport.directory(home: trainer))
                            try await first.publishFolder(MonitorReport.folder, home: trainer)
                            let monitor = try await b.execute(uri: "/v1/monitor", method: .get, headers: lead)
                            #expect(monitor.status == .ok && String(buffer: monitor.body).contains("replicated window"))
                            let metrics = String(buffer: try await b.execute(uri: "/metrics", method: .get, headers: lead).body)
                            #expect(metrics.contains("localtriage_drift_alert \(drift.drifted ? 1 : 0)"))
                        }
                    }
                }
            }
        }
    }
}
