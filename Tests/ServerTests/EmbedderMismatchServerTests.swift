import Domain
import Foundation
import Hummingbird
import HummingbirdTesting
import Lifecycle
import Routing
@testable import Server
import Store
import TestSupport
import Testing

/// A server whose champion was trained with another embedder than the one it runs: triage answers 503 saying which
/// model the router wants and which is loaded, never crashes. Runs without model files (the hashing test embedder).
@Suite struct EmbedderMismatchServerTests {
    static let examples = ["billing": ["charged twice", "refund the charge", "wrong invoice amount", "billed again", "card charged"],
                           "login": ["cannot log in", "password reset", "locked out", "code not arriving", "forgot password"]]
        .sorted { $0.key < $1.key }.flatMap { category, texts in texts.map { RoutingExample(text: $0, category: category, priority: nil) } }

    @Test func triageWithARouterOfAnotherEmbedderIsA503SayingWhich() async throws {
        let home = try TestSupport.temporaryDirectory("embid-server")
        let store = try SQLiteStore(home: home)
        let trainedWith = HashingTestEmbedder(dimension: 16), running = HashingTestEmbedder(dimension: 384)
        let router = try Routing.Router.train(Self.examples, embed: trainedWith.embed)
        _ = try RouterArtifact.save(router, trainingData: DatasetReference(path: "/t.jsonl", sha256: "x", examples: 10),
                                    embedder: trainedWith.identity, home: home)
        let services = try await ServerServices.build(store: store, embedder: running, model: nil, home: home, modelReady: { true })
        let (_, secret) = try await APIKeys.create(name: "agent", role: .agent, in: store, actor: "test")
        let headers: HTTPFields = [.authorization: "Bearer \(secret)", .contentType: "application/json"]
        try await Application(router: buildRouter(services)).test(.router) { client in
            let response = try await client.execute(uri: "/v1/triage", method: .post, headers: headers,
                                                    body: ByteBuffer(string: #"{"text": "I was charged twice"}"#))
            #expect(response.status == .serviceUnavailable)
            let body = String(buffer: response.body)
            #expect(body.contains("16-d") && body.contains("384-d") && body.contains("retrain"), "\(body)")
        }
    }
}
