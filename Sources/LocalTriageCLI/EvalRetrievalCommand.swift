import ArgumentParser
import Foundation
import Ingest
import Search
import Store

/// `localtriage eval retrieval`: ranking quality of each search mode on a judged query set.
struct EvalRetrievalCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retrieval",
        abstract: "Score search modes side by side: R@1/5/10, MRR@10, nDCG@10 (article level), with n.",
        discussion: """
            The corpus (JSON/JSONL articles, or a Markdown folder) is ingested into a fresh store in a temporary \
            folder, chunked as in production; each query's chunks are collapsed to articles at their best rank.
            """
    )

    @OptionGroup var global: GlobalOptions
    @Option(help: "Articles: a JSON/JSONL file (id, title/question, body/content/answers) or a Markdown folder.")
    var corpus: String
    @Option(help: "Judged queries, JSON/JSONL: query text and relevant ids (gold_id or relevant_kb_articles).")
    var queries: String
    @Option(help: "Write report.json and report.md to this folder.") var out: String?

    struct Output: Encodable {
        var corpus: String
        var queries: String
        var articles: Int
        var chunks: Int
        var results: [RetrievalScores]
    }

    func run() async throws {
        let judged = try JudgedQueryReader.read(path: queries)
        guard !judged.isEmpty else { throw ValidationError("no queries in \(queries)") }
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("localtriage-eval-\(UUID())")
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: home) }
        let store = try SQLiteStore(home: home)
        let report = try await Ingestor(store: store).ingestKnowledgeBase(path: corpus)
        let counts = try await store.counts()
        Report.note("eval: \(report.counts.stored) articles, \(counts.chunks) chunks, \(judged.count) queries")

        let retrievers: [any Retriever] = [KeywordRetriever(store: store), try await MemoryKeywordRetriever(store: store)]
        var results: [RetrievalScores] = []
        for retriever in retrievers {
            results.append(try await RetrievalEvaluator().evaluate(retriever, queries: judged))
        }
        let output = Output(corpus: corpus, queries: queries, articles: report.counts.stored, chunks: counts.chunks,
                            results: results)
        let table = Report.table([["mode", "n", "R@1", "R@5", "R@10", "MRR@10", "nDCG@10", "p50 ms", "p95 ms"]]
            + results.map { r in
                [r.mode, String(r.n)] + [r.recallAt1, r.recallAt5, r.recallAt10, r.mrrAt10, r.ndcgAt10]
                    .map { String(format: "%.3f", $0) }
                    + [String(format: "%.1f", r.latencyMsP50), String(format: "%.1f", r.latencyMsP95)]
            })
        if let out {
            let dir = URL(fileURLWithPath: out)
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            try Report.encoded(output).write(to: dir.appendingPathComponent("report.json"))
            try """
                # Retrieval evaluation

                Corpus `\(corpus)` (\(output.articles) articles, \(output.chunks) chunks); queries `\(queries)` \
                (n = \(judged.count)). Article-level metrics; chunks of one article count once at their best rank.

                ```
                \(table)
                ```
                """.write(to: dir.appendingPathComponent("report.md"), atomically: true, encoding: .utf8)
        }
        if global.json { return try Report.json(output) }
        print(table)
    }
}
