import Domain
import Foundation
import Lifecycle
import Routing
import Store
import TestSupport
import Testing

/// Router manifests record the embedder a router was trained with; loading checks it against the running one.
@Suite struct RouterEmbedderCheckTests {
    static let examples = ["billing": ["charged twice", "refund the charge", "wrong invoice amount", "billed again", "card charged"],
                           "login": ["cannot log in", "password reset", "locked out", "code not arriving", "forgot password"]]
        .sorted { $0.key < $1.key }.flatMap { category, texts in texts.map { RoutingExample(text: $0, category: category, priority: nil) } }
    static let data = DatasetReference(path: "/train.jsonl", sha256: "abc", examples: examples.count)

    private func message(_ body: () throws -> Void) -> String? {
        do { try body(); return nil } catch { return "\(error)" }
    }

    @Test func aRouterLoadsOnlyWithTheEmbedderItWasTrainedWith() async throws {
        let home = try TestSupport.temporaryDirectory("embid-router")
        let trained = HashingTestEmbedder(dimension: 384, revision: "r1")
        let router = try Router.train(Self.examples, embed: trained.embed)
        let manifest = try RouterArtifact.save(router, trainingData: Self.data, embedder: trained.identity, home: home)
        #expect(manifest.embedder == trained.identity && manifest.embeddingModel == "hashing-test")
        let loaded = try RouterArtifact.load(manifest.version, home: home)
        #expect(loaded.embedder == trained.identity)
        try loaded.requireEmbedder(trained.identity)

        // Another width, another revision of the same name, or none at all: a clear error, never a crash.
        let small = try #require(message { try loaded.requireEmbedder(HashingTestEmbedder(dimension: 16, revision: "r1").identity) })
        #expect(small.contains("384-d") && small.contains("16-d") && small.contains("retrain"))
        let other = try #require(message { try loaded.requireEmbedder(HashingTestEmbedder(dimension: 384, revision: "r2").identity) })
        #expect(other.contains("revision r1") && other.contains("revision r2"))
        #expect(message { try loaded.requireEmbedder(nil) }?.contains("no embedder is loaded") == true)

        // The registry's loader, given the running embedder, refuses the same way.
        let registry = ModelRegistry(store: try SQLiteStore(home: home), home: home)
        #expect(try await RouterLoader(registry: registry, embedder: trained.identity).champion().version == manifest.version)
        await #expect(throws: EmbedderMismatchError.self) {
            _ = try await RouterLoader(registry: registry, embedder: HashingTestEmbedder(dimension: 16).identity).champion()
        }
    }

    @Test func aRouterWithoutEmbeddingsNeedsNone() throws {
        let home = try TestSupport.temporaryDirectory("embid-plain")
        let router = try Router.train(Self.examples, embed: nil)
        let manifest = try RouterArtifact.save(router, trainingData: Self.data, embedder: HashingTestEmbedder().identity, home: home)
        #expect(manifest.embedder == nil && manifest.embeddingModel == nil)
        let loaded = try RouterArtifact.load(manifest.version, home: home)
        try loaded.requireEmbedder(nil)
        try loaded.requireEmbedder(HashingTestEmbedder(dimension: 16).identity)
    }

    /// Manifests from before identities record the literal name only: the name and the router's width must match,
    /// any revision is accepted.
    @Test func anOldManifestLoadsWhenTheNameAndWidthMatch() throws {
        let home = try TestSupport.temporaryDirectory("embid-legacy")
        let router = try Router.train(Self.examples, embed: HashingTestEmbedder(dimension: 384).embed)
        let manifest = try RouterArtifact.save(router, trainingData: Self.data, embedder: EmbedderIdentity.packagedMiniLM, home: home)
        let file = RouterArtifact.directory(version: manifest.version, home: home).appendingPathComponent("manifest.json")
        var json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: file)) as? [String: Any])
        json["embedder"] = nil
        json["embeddingModel"] = "all-MiniLM-L6-v2"
        try JSONSerialization.data(withJSONObject: json).write(to: file)
        let loaded = try RouterArtifact.load(manifest.version, home: home)
        #expect(loaded.embedder == EmbedderIdentity(id: "all-MiniLM-L6-v2", dimension: 384, revision: nil))
        try loaded.requireEmbedder(EmbedderIdentity(id: "all-MiniLM-L6-v2", dimension: 384, revision: "anything"))
        #expect(throws: EmbedderMismatchError.self) {
            try loaded.requireEmbedder(EmbedderIdentity(id: "all-MiniLM-L6-v2", dimension: 16, revision: "anything"))
        }
        #expect(throws: EmbedderMismatchError.self) { try loaded.requireEmbedder(HashingTestEmbedder(dimension: 384).identity) }
    }
}
