import ArgumentParser
import Foundation
import Lifecycle
import Search
import Store

/// `localtriage search "query"`: search over knowledge-base chunks.
struct SearchCommand: StoreCommand {
    static let configuration = CommandConfiguration(
        commandName: "search",
        abstract: "Search knowledge-base chunks.",
        discussion: """
            Modes: hybrid (default: BM25 and all-MiniLM-L6-v2 blended; see `localtriage eval retrieval`), dense, \
            bm25 (in-memory BM25 index), fts (SQLite FTS5 bm25()). Without the model installed, hybrid falls back \
            to bm25 and says so.
            """
    )

    enum Mode: String, ExpressibleByArgument, CaseIterable {
        case hybrid, dense, bm25, fts
    }

    @OptionGroup var global: GlobalOptions
    @Argument(help: "What to look for, in plain words.") var query: String
    @Option(help: "How many chunks to return.") var k = 5
    @Option(help: "Only articles of this category.") var category: String?
    @Option(help: "hybrid, dense, bm25 or fts.") var mode: Mode = .hybrid
    @Option(help: "Weight of BM25 in the hybrid blend (0 = dense only, 1 = BM25 only; default: the blend chosen for this KB, as the server uses, shown by `stats`).")
    var keywordWeight: Double?
    @Option(help: "Folder of the all-MiniLM-L6-v2 files (default: found in .venv).") var model: String?
    @Option(help: "Hybrid only: lift articles of the category the router predicts by this × its confidence (0 turns it off; 0.5 measured best on the anchor set).")
    var categoryBoost = 0.5
    @Option(help: "The router for --category-boost: champion (default), latest, a version name, or a version folder.")
    var router = "champion"

    struct Output: Encodable {
        var query: String
        var mode: String
        var hits: [ChunkHit]
    }

    func run(store: any StoreBackend) async throws {
        guard (1...100).contains(k) else { throw ValidationError("--k must be between 1 and 100") }
        guard keywordWeight.map({ (0...1).contains($0) }) ?? true else { throw ValidationError("--keyword-weight must be in 0...1") }
        var mode = self.mode
        let encoder = mode == .hybrid ? EncoderLoader.loadIfAvailable(explicit: model)
            : mode == .dense ? try EncoderLoader.load(explicit: model) : nil
        if mode == .hybrid && encoder == nil { mode = .bm25 }
        let retriever: any Retriever
        switch mode {
        case .hybrid:
            let kb = try await LiveKnowledgeBase(store: store, embedder: encoder!,
                                                 fusion: keywordWeight.map { .convex(keywordWeight: $0) })
            retriever = kb.retrievers["hybrid"]!
        case .dense: retriever = DenseRetriever(store: store, embedder: encoder!)
        case .bm25: retriever = try await MemoryKeywordRetriever(store: store)
        case .fts: retriever = KeywordRetriever(store: store)
        }
        var hits = try await retriever.search(query, k: mode == .hybrid && categoryBoost > 0 ? max(k, 50) : k,
                                              filter: SearchFilter(category: category))
        if mode == .hybrid, categoryBoost > 0, let encoder,
           let loaded = try? await RouterSelection.load(self.router, global: global) {
            try loaded.requireEmbedder(encoder.identity)
            let router = loaded.router
            let decision = try router.checkedRoute(query, embedding: router.usesEmbeddings ? encoder.encode([query]).first : nil)
            hits = CategoryBoost.apply(hits, category: decision.suggestedCategory, confidence: decision.confidence,
                                       boost: categoryBoost)
        }
        hits = Array(hits.prefix(k))
        if global.json {
            try Report.json(Output(query: query, mode: mode.rawValue, hits: hits))
            return
        }
        if hits.isEmpty {
            print("No matches for \"\(query)\".")
            return
        }
        for (rank, hit) in hits.enumerated() {
            let text = hit.chunk.text.split(whereSeparator: \.isNewline).joined(separator: " ")
            print("\(rank + 1). \(hit.articleTitle) [\(hit.articleID)]  score \(String(format: "%.3f", hit.score))")
            print("   § \(hit.chunk.heading)")
            print("   \(text.count > 300 ? String(text.prefix(300)) + "…" : text)\n")
        }
    }
}
