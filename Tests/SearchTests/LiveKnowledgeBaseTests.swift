import Foundation
import Ingest
import Readers
import Search
import Store
import TestSupport
import Testing

/// What it follows, not what it understands: a deterministic embedder (no model files needed).
@Suite struct LiveKnowledgeBaseTests {
    @Test func anArticleIngestedWhileServingIsSearchedOnceTheIngestHasSettled() async throws {
        let encoder = HashingTestEmbedder()
        let home = try TestSupport.temporaryDirectory("live-kb")
        let store = try SQLiteStore(home: home)
        _ = try await Ingestor(store: store).ingestKnowledgeBase(path: TestSupport.repositoryRoot.appendingPathComponent("demo/kb/account").path)
        let kb = try await LiveKnowledgeBase(store: store, embedder: encoder)
        let before = kb.indexedChunks
        #expect(before > 0)
        #expect(try await kb.refresh() == false, "nothing changed")

        // Another process (the CLI) ingests an article into the same store.
        let folder = home.appendingPathComponent("new-kb")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try """
            ---
            id: KB-PAR-001
            title: Parrots in the office
            category: Facilities
            ---
            # Parrots in the office

            A parrot that recites invoice totals should be moved away from the finance desk.
            """.write(to: folder.appendingPathComponent("parrots.md"), atomically: true, encoding: .utf8)
        _ = try await Ingestor(store: try SQLiteStore(home: home)).ingestKnowledgeBase(path: folder.path)

        let retrievers = kb.retrievers
        #expect(try await retrievers["bm25"]!.search("parrot", k: 3, filter: .init()).isEmpty, "not indexed yet")
        #expect(try await kb.refresh() == false, "a change is indexed once it has settled (no newer change since the last look)")
        #expect(try await kb.refresh())
        #expect(kb.indexedChunks > before)
        #expect(try await retrievers["bm25"]!.search("parrot", k: 3, filter: .init()).first?.articleID == "KB-PAR-001")
        #expect(try await retrievers["dense"]!.search("a parrot near the finance desk", k: 1, filter: .init())
            .first?.articleID == "KB-PAR-001", "its chunks were embedded")
        #expect(try await retrievers["hybrid"]!.search("parrot reciting totals", k: 1, filter: .init()).first?.articleID == "KB-PAR-001")
        #expect(try await kb.refresh() == false)
    }
}
