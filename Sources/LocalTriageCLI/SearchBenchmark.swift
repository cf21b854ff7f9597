import ArgumentParser
import Benchmarks
import Domain
import Foundation

/// `localtriage bench search`: query latency per search mode over a large generated KB.
struct SearchBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search",
        abstract: "Measure search latency (p50/p95/p99) per mode over a generated corpus of N chunks.",
        discussion: """
            The corpus is built from real support sentences (the Bitext reference replies in ../shared), shuffled \
            deterministically into articles whose sections hold one or two sentences, ingested through the normal \
            pipeline and embedded with all-MiniLM-L6-v2; queries are Banking77 test texts. The built store \
            (about 10 minutes to embed 100k chunks on 2 cores) is kept in <home>/bench/search-<N> and reused.
            """
    )

    @OptionGroup var global: GlobalOptions
    @Option(help: "Chunks in the generated corpus.") var chunks = 100_000
    @Option(help: "How many queries.") var queries = 200
    @Option(help: "Results per query.") var k = 10
    @Option(help: "Folder holding bitext/ and banking77/ (default ../shared/data).") var data = "../shared/data"
    @Flag(help: "Keyword modes only (no embeddings).") var keywordOnly = false

    func run() async throws {
        let home = try global.homeDirectory().appendingPathComponent("bench/search-v2-\(chunks)")
        let output = try await SearchLatency(home: home, chunks: chunks, queries: queries, k: k, data: data,
                                             encoder: keywordOnly ? nil : try EncoderLoader.load(),
                                             note: { Report.note("bench: " + $0) }).run()
        if global.json { return try Report.json(output) }
        print("Search over \(output.chunks) chunks (\(output.articles) articles), \(output.queries) queries, k=\(output.k)")
        print(Report.table([["mode", "p50 ms", "p95 ms", "p99 ms"]] + output.modes.map { m in
            [m.mode] + [m.latencyMs.p50, m.latencyMs.p95, m.latencyMs.p99].map { String(format: "%.2f", $0) }
        }))
    }
}
