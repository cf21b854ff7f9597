import ArgumentParser
import Foundation
import Store

/// `localtriage search "query"`: keyword (BM25) search over knowledge-base chunks.
struct SearchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search",
        abstract: "Search knowledge-base chunks (BM25 over SQLite FTS5)."
    )

    @OptionGroup var global: GlobalOptions
    @Argument(help: "What to look for, in plain words.") var query: String
    @Option(help: "How many chunks to return.") var k = 5
    @Option(help: "Only articles of this category.") var category: String?

    struct Output: Encodable {
        var query: String
        var mode = "bm25"
        var hits: [ChunkHit]
    }

    func run() async throws {
        guard (1...100).contains(k) else { throw ValidationError("--k must be between 1 and 100") }
        let store = try SQLiteStore(home: try global.homeDirectory())
        let hits = try await store.searchChunks(query, limit: k, category: category)
        if global.json {
            try Report.json(Output(query: query, hits: hits))
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
