import Domain
@testable import Embeddings
import Foundation
import TestSupport
import Testing

@Suite struct EmbedderIdentityTests {
    @Test func theNameComesFromTheModelCardThenTheFolder() throws {
        let card = "---\nlanguage: en\ntags:\n- x\n---\n\n# all-MiniLM-L6-v2\nThis is a model.\n```python\n# comment\n```\n"
        #expect(ModelName.title(ofCard: card) == "all-MiniLM-L6-v2")
        #expect(ModelName.title(ofCard: "```\n# not a title\n```\nno title") == nil)
        let root = try TestSupport.temporaryDirectory("embid-name")
        let named = root.appendingPathComponent("my-encoder"), generic = root.appendingPathComponent("model")
        for folder in [named, generic] { try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true) }
        #expect(ModelName.of(named) == "my-encoder")
        try Data(#"{"_name_or_path": "org/base-model"}"#.utf8).write(to: generic.appendingPathComponent("config.json"))
        #expect(ModelName.of(generic) == "base-model")
        try Data("# card-name\n".utf8).write(to: generic.appendingPathComponent("README.md"))
        #expect(ModelName.of(generic) == "card-name")
    }

    @Test func theRevisionChangesWithTheWeights() throws {
        let root = try TestSupport.temporaryDirectory("embid-revision")
        let file = root.appendingPathComponent("model.safetensors")
        var bytes = [UInt8](repeating: 7, count: 3 << 20)
        try Data(bytes).write(to: file)
        let first = try EmbedderIdentity.revision(ofWeightsAt: file)
        #expect(first.count == 12)
        #expect(try EmbedderIdentity.revision(ofWeightsAt: file) == first)
        bytes[bytes.count - 10] = 8  // in the last MiB
        try Data(bytes).write(to: file)
        #expect(try EmbedderIdentity.revision(ofWeightsAt: file) != first)
        try Data(bytes + [0]).write(to: file)  // another size
        #expect(try EmbedderIdentity.revision(ofWeightsAt: file) != first)
        #expect(EmbedderIdentity(id: "m", dimension: 4, revision: "abc").key == "m@abc")
        #expect(EmbedderIdentity(id: "m", dimension: 4, revision: nil).key == "m")
    }

    /// The packaged model's identity, read from its folder; it is what a migration gives vectors of the literal name.
    @Test(.enabled(if: (try? ModelLocator.miniLM(root: TestSupport.repositoryRoot)) != nil, "all-MiniLM-L6-v2 is not installed: run make setup"))
    func thePackagedModelIsNamedFromItsFolder() throws {
        let directory = try ModelLocator.miniLM(root: TestSupport.repositoryRoot)
        let started = ContinuousClock.now
        let revision = try EmbedderIdentity.revision(ofWeightsAt: directory.appendingPathComponent("model.safetensors"))
        let elapsed = ContinuousClock.now - started
        print("revision \(revision) in \(elapsed)")
        let encoder = try SentenceEncoder(modelDirectory: directory)
        #expect(encoder.identity == EmbedderIdentity.packagedMiniLM)
        #expect(encoder.identity.key == "all-MiniLM-L6-v2@5c6fa0f279a1")
    }
}
