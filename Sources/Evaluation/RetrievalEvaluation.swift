import Domain
import Foundation
import Ingest
import Lifecycle
import Readers
import Search
import Store

/// Ranking quality of each search mode on a judged query set: hit rate and recall at 1/5/10, MRR@10, nDCG@10
/// (article level), with n and latency. The corpus (JSON/JSONL articles, or a Markdown folder) is ingested into a
/// fresh store in a temporary folder, chunked as in production; each query's chunks are collapsed to articles at
/// their best rank. Hit@k is the share of queries with any relevant article in the top k; R@k the share of each
/// query's relevant articles found there, averaged.
public struct RetrievalEvaluation: Sendable {
    public var corpus: String
    public var queries: String
    /// Nil: the keyword modes only.
    public var encoder: (any TextEmbedder)?
    /// Also score the convex blend at every keyword weight of the tuner's grid (for analysis, not a setting).
    public var weightCurve = false
    /// Seed of the pseudo-query sample hybrid-auto is chosen on (the product's is the default).
    public var tunerSeed = SearchTuner().seed
    /// Largest chunk, in characters (as `ingest kb`).
    public var chunkSize = 1000
    /// Also score the hybrid blend boosted by this router's category.
    public var router: RouterArtifact.Loaded?
    /// Progress for people (standard error).
    public var note: @Sendable (String) -> Void = { _ in }

    public init(corpus: String, queries: String, encoder: (any TextEmbedder)?) {
        self.corpus = corpus
        self.queries = queries
        self.encoder = encoder
    }

    public struct Result: Encodable, Sendable {
        public var corpus: String
        public var queries: String
        public var articles: Int
        public var chunks: Int
        public var results: [RetrievalScores]
        /// Each mode's top-10 article ids per query, in query order (not in the encoded report: for error analysis).
        public var topArticles: [String: [[String]]]

        enum CodingKeys: String, CodingKey { case corpus, queries, articles, chunks, results }
    }

    public func run() async throws -> Result {
        let judged = try JudgedQueryReader.read(path: queries)
        guard !judged.isEmpty else { throw EvaluationError("no queries in \(queries)") }
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("localtriage-eval-\(UUID())")
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: home) }
        let store = try SQLiteStore(home: home)
        let chunker = Chunker(maxLength: chunkSize, minLength: chunkSize / 5, overlap: min(160, chunkSize / 4))
        let report = try await Ingestor(store: store, chunker: chunker).ingestKnowledgeBase(path: corpus)
        let counts = try await store.counts()
        note("\(report.counts.stored) articles, \(counts.chunks) chunks, \(judged.count) queries")

        let evaluator = RetrievalEvaluator()
        var ranked: [String: [[SearchHit]]] = [:]  // every mode's hits, for --details
        func scored(_ mode: String, _ hits: [[SearchHit]], _ latencies: [Double]) -> RetrievalScores {
            ranked[mode] = hits
            return evaluator.score(mode: mode, hits: hits, queries: judged, latenciesMs: latencies)
        }
        let fts = try await evaluator.run(KeywordRetriever(store: store), queries: judged)
        let bm25Retriever = try await MemoryKeywordRetriever(store: store)
        let bm25 = try await evaluator.run(bm25Retriever, queries: judged)
        var results = [
            scored("bm25-fts", fts.hits, fts.latenciesMs),
            scored("bm25", bm25.hits, bm25.latenciesMs),
        ]
        if let encoder {
            let started = ContinuousClock.now
            let embedded = try await EmbeddingIndexer(store: store, embedder: encoder).indexMissing(.chunk)
            note("embedded \(embedded) chunks in \(String(format: "%.1f", (ContinuousClock.now - started).seconds)) s")
            let denseRetriever = DenseRetriever(store: store, embedder: encoder)
            let dense = try await evaluator.run(denseRetriever, queries: judged)
            results.append(scored("dense", dense.hits, dense.latenciesMs))
            let rrf = try await evaluator.run(
                HybridRetriever(keyword: bm25Retriever, dense: denseRetriever, fusion: .reciprocalRank(k: 60)),
                queries: judged)
            results.append(scored("hybrid-rrf", rrf.hits, rrf.latenciesMs))
            let latencies = zip(bm25.latenciesMs, dense.latenciesMs).map { max($0, $1) }
            results.append(scored("hybrid-0.25", evaluator.fuse(keyword: bm25, dense: dense, fusion: .defaultConvex),
                                  latencies))
            // The product's own choice: made from the corpus alone, as at ingest (no judged query is read).
            let tuning = ContinuousClock.now
            let kbHash = SearchTuner.kbHash(texts: try await store.indexableChunks().map(\.text), model: encoder.identity.key)
            var tuner = SearchTuner()
            tuner.seed = tunerSeed
            let settings = try await tuner.choose(keyword: bm25Retriever, dense: denseRetriever, kbHash: kbHash)
            note("search settings chosen on \(settings.pseudoQueries) pseudo-queries in "
                + String(format: "%.1f", (ContinuousClock.now - tuning).seconds) + " s")
            var auto = scored("hybrid-auto", evaluator.fuse(keyword: bm25, dense: dense, fusion: settings.fusion), latencies)
            auto.searchSettings = settings
            results.append(auto)
            results.append(evaluator.crossFittedConvex(keyword: bm25, dense: dense, queries: judged))
            if weightCurve {
                for weight in SearchTuner().grid {
                    results.append(scored("convex-w" + String(format: "%.1f", weight),
                                          evaluator.fuse(keyword: bm25, dense: dense, fusion: .convex(keywordWeight: weight)),
                                          latencies))
                }
            }
            if let loaded = router {
                let (model, version) = (loaded.router, loaded.version)
                try loaded.requireEmbedder(encoder.identity)
                note("routing the queries with \(version)")
                let embeddings = model.usesEmbeddings ? try encoder.embed(judged.map(\.text)) : []
                let routes = try judged.indices.map { i -> (category: String, confidence: Double) in
                    let decision = try model.checkedRoute(judged[i].text, embedding: model.usesEmbeddings ? embeddings[i] : nil)
                    return (decision.suggestedCategory, decision.confidence)
                }
                results.append(evaluator.crossFittedConvex(keyword: bm25, dense: dense, queries: judged, routes: routes))
            }
        }
        let topArticles = ranked.mapValues { perQuery in
            perQuery.map { hits in
                var seen = Set<String>()
                return Array(hits.map(\.articleID).filter { seen.insert($0).inserted }.prefix(10))
            }
        }
        return Result(corpus: corpus, queries: queries, articles: report.counts.stored, chunks: counts.chunks,
                      results: results, topArticles: topArticles)
    }
}
