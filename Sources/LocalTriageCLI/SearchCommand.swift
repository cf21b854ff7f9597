import ArgumentParser
import Foundation
import Search
import Store

/// `localtriage search "query"`: search over knowledge-base chunks.
struct SearchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search",
        abstract: "Search knowledge-base chunks.",
        discussion: "Modes: bm25 (in-memory BM25 index), fts (SQLite FTS5 bm25())."
    )

    enum Mode: String, ExpressibleByArgument, CaseIterable {
        case bm25, fts
    }

    @OptionGroup var global: GlobalOptions
    @Argument(help: "What to look for, in plain words.") var query: String
    @Option(help: "How many chunks to return.") var k = 5
    @Option(help: "Only articles of this category.") var category: String?
    @Option(help: "bm25 or fts.") var mode: Mode = .bm25

    struct Output: Encodable {
        var query: String
        var mode: String
        var hits: [ChunkHit]
    }

    func run() async throws {
        guard (1...100).contains(k) else { throw ValidationError("--k must be between 1 and 100") }
        let store = try SQLiteStore(home: try global.homeDirectory())
        let retriever: any Retriever = switch mode {
        case .bm25: try await MemoryKeywordRetriever(store: store)
        case .fts: KeywordRetriever(store: store)
        }
        let hits = try await retriever.search(query, k: k, filter: SearchFilter(category: category))
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
