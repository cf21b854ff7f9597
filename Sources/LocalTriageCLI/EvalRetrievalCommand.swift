import ArgumentParser
import Evaluation
import Foundation
import Readers
import Search

/// `localtriage eval retrieval`: ranking quality of each search mode on a judged query set.
struct EvalRetrievalCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retrieval",
        abstract: "Score search modes side by side: hit rate and recall at 1/5/10, MRR@10, nDCG@10 (article level), with n.",
        discussion: """
            The corpus (JSON/JSONL articles, or a Markdown folder) is ingested into a fresh store in a temporary \
            folder, chunked as in production; each query's chunks are collapsed to articles at their best rank. \
            Hit@k is the share of queries with any relevant article in the top k; R@k the share of each query's \
            relevant articles found there, averaged (they differ only for queries with several relevant articles).
            """
    )

    @OptionGroup var global: GlobalOptions
    @Option(help: "Articles: a JSON/JSONL file (id, title/question, body/content/answers) or a Markdown folder.")
    var corpus: String
    @Option(help: "Judged queries, JSON/JSONL: query text and relevant ids (gold_id or relevant_kb_articles).")
    var queries: String
    @Option(help: "Write report.json and report.md to this folder.") var out: String?
    @Option(help: "Folder of the all-MiniLM-L6-v2 files (default: found in .venv).") var model: String?
    @Flag(help: "Keyword modes only (no sentence encoder).") var keywordOnly = false
    @Flag(help: "Also score the convex blend at every keyword weight 0, 0.1, …, 1 (rows convex-w…): how the judged queries rank each weight, for analysis, not a setting.")
    var weightCurve = false
    @Option(help: "Seed of the pseudo-query sample hybrid-auto is chosen on (the product's is the default).")
    var tunerSeed = Int(SearchTuner().seed)
    @Option(help: "Largest chunk, in characters (as `ingest kb`).") var chunkSize = 1000
    @Option(help: "Also score the hybrid blend boosted by this router's category (champion, latest, a version name, or a version folder).")
    var router: String?
    @Option(help: "Write each query's top-10 articles in every mode to this JSONL file (error analysis).")
    var details: String?

    func run() async throws {
        guard tunerSeed >= 0 else { throw ValidationError("--tuner-seed must not be negative") }
        var evaluation = RetrievalEvaluation(corpus: corpus, queries: queries,
                                             encoder: keywordOnly ? nil : try EncoderLoader.load(explicit: model))
        evaluation.weightCurve = weightCurve
        evaluation.tunerSeed = UInt64(tunerSeed)
        evaluation.chunkSize = chunkSize
        if let router { evaluation.router = try await RouterSelection.load(router, global: global) }
        evaluation.note = { Report.note("eval: " + $0) }
        let output = try await evaluation.run()
        let results = output.results
        if let details { try Self.writeDetails(details, queries: try JudgedQueryReader.read(path: queries), top: output.topArticles) }
        let table = Report.table([["mode", "n", "Hit@1", "Hit@5", "Hit@10", "R@1", "R@5", "R@10", "MRR@10", "nDCG@10",
                                   "p50 ms", "p95 ms", "notes"]]
            + results.map { r in
                [r.mode, String(r.n)] + [r.hitRateAt1, r.hitRateAt5, r.hitRateAt10, r.recallAt1, r.recallAt5, r.recallAt10,
                                         r.mrrAt10, r.ndcgAt10]
                    .map { String(format: "%.3f", $0) }
                    + [String(format: "%.1f", r.latencyMsP50), String(format: "%.1f", r.latencyMsP95),
                       Self.notes(r)]
            })
        if let out {
            let dir = URL(fileURLWithPath: out)
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            try Report.encoded(output).write(to: dir.appendingPathComponent("report.json"))
            try """
                # Retrieval evaluation

                Corpus `\(corpus)` (\(output.articles) articles, \(output.chunks) chunks); queries `\(queries)` \
                (n = \(results.first?.n ?? 0)). Article-level metrics; chunks of one article count once at their best rank. \
                Hit@k: share of queries with any relevant article in the top k; R@k: share of each query's \
                relevant articles in the top k, averaged over queries. \
                bm25-fts: SQLite FTS5 bm25(); bm25: the in-memory index; dense: all-MiniLM-L6-v2 cosine; \
                hybrid-rrf: reciprocal rank fusion (k = 60) of bm25 and dense; hybrid-0.25: the convex blend with \
                the fixed keyword weight 0.25; hybrid-auto: the blend the product chooses for this corpus from \
                pseudo-queries made from the corpus itself (SearchTuner; no judged query used); hybrid-convex: a convex blend of \
                min-max-normalised scores whose keyword weight is chosen on the other half of the queries (2-fold \
                cross-fitting on nDCG@10), so no query is scored with a weight tuned on it.

                ```
                \(table)
                ```
                """.write(to: dir.appendingPathComponent("report.md"), atomically: true, encoding: .utf8)
        }
        if global.json { return try Report.json(output) }
        print(table)
    }

    /// The table's notes column: how a tuned row's settings were chosen.
    static func notes(_ r: RetrievalScores) -> String {
        var notes: [String] = []
        if let s = r.searchSettings {
            notes.append(s.method == "rrf" ? "rrf, chosen on \(s.pseudoQueries) pseudo-queries"
                : "keyword weight \(String(format: "%.2f", s.keywordWeight)) chosen on \(s.pseudoQueries) pseudo-queries")
        }
        if let weights = r.keywordWeights {
            notes.append("keyword weight per fold: \(weights.map { String(format: "%.1f", $0) })")
        }
        if let boosts = r.categoryBoosts {
            notes.append("category boost per fold: \(boosts.map { String(format: "%.1f", $0) })")
        }
        return notes.joined(separator: ", ")
    }

    /// One JSON line per query: its text, relevant ids and each mode's top-10 article ids.
    static func writeDetails(_ path: String, queries: [JudgedQuery], top: [String: [[String]]]) throws {
        var lines: [String] = []
        for (i, query) in queries.enumerated() {
            var object: [String: Any] = ["id": query.id, "query": query.text, "relevant": query.relevant.sorted()]
            for (mode, articles) in top { object[mode] = articles[i] }
            lines.append(String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]),
                                as: UTF8.self))
        }
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
    }
}
