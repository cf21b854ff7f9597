import Domain
import Store
import Foundation

/// A query with the ids of the documents (KB articles) that answer it.
public struct JudgedQuery: Sendable, Equatable {
    public var id: String
    public var text: String
    public var relevant: Set<String>

    public init(id: String, text: String, relevant: Set<String>) {
        self.id = id
        self.text = text
        self.relevant = relevant
    }
}

/// Mean ranking metrics of one retrieval mode over a query set, at the article level. `recallAt…` is the share of
/// a query's relevant ids found in the top k; `hitRateAt…` the share of queries with any relevant id there (the two
/// differ only for queries with several relevant ids).
public struct RetrievalScores: Codable, Sendable, Equatable {
    public var mode: String
    public var n: Int
    public var hitRateAt1: Double
    public var hitRateAt5: Double
    public var hitRateAt10: Double
    public var recallAt1: Double
    public var recallAt5: Double
    public var recallAt10: Double
    public var mrrAt10: Double
    public var ndcgAt10: Double
    /// Per-query latency of the retriever, in milliseconds.
    public var latencyMsP50: Double
    public var latencyMsP95: Double
    /// For the tuned convex blend: the keyword weight chosen on each validation fold.
    public var keywordWeights: [Double]?
    /// For the routed blend: the category boost chosen on each validation fold.
    public var categoryBoosts: [Double]?
    /// For the blend chosen without labelled queries: the choice (`SearchTuner`).
    public var searchSettings: SearchSettings? = nil
}

/// Runs judged queries through retrievers and scores the ranked articles (chunks of the same article count
/// once, at their best rank).
public struct RetrievalEvaluator: Sendable {
    /// How many chunks to fetch per query before collapsing them to articles.
    public var depth: Int

    public init(depth: Int = 50) {
        self.depth = depth
    }

    /// One retriever's hits for every query, with per-query latency in milliseconds.
    public struct Run: Sendable {
        public var hits: [[SearchHit]]
        public var latenciesMs: [Double]
    }

    public func run(_ retriever: some Retriever, queries: [JudgedQuery]) async throws -> Run {
        var run = Run(hits: [], latenciesMs: [])
        for query in queries {
            let started = ContinuousClock.now
            run.hits.append(try await retriever.search(query.text, k: depth, filter: SearchFilter()))
            let elapsed = ContinuousClock.now - started
            run.latenciesMs.append(Double(elapsed.components.seconds) * 1e3 + Double(elapsed.components.attoseconds) / 1e15)
        }
        return run
    }

    public func evaluate(_ retriever: some Retriever, queries: [JudgedQuery]) async throws -> RetrievalScores {
        let run = try await run(retriever, queries: queries)
        return score(mode: retriever.name, hits: run.hits, queries: queries, latenciesMs: run.latenciesMs)
    }

    /// Scores hit lists (one per query, in query order).
    public func score(mode: String, hits: [[SearchHit]], queries: [JudgedQuery], latenciesMs: [Double])
        -> RetrievalScores {
        var sums = [Double](repeating: 0, count: 8)
        for (query, queryHits) in zip(queries, hits) {
            var seen = Set<String>()
            let ranked = queryHits.map(\.articleID).filter { seen.insert($0).inserted }
            sums[0] += RetrievalMetrics.recall(at: 1, ranked: ranked, relevant: query.relevant)
            sums[1] += RetrievalMetrics.recall(at: 5, ranked: ranked, relevant: query.relevant)
            sums[2] += RetrievalMetrics.recall(at: 10, ranked: ranked, relevant: query.relevant)
            sums[3] += RetrievalMetrics.reciprocalRank(at: 10, ranked: ranked, relevant: query.relevant)
            sums[4] += RetrievalMetrics.ndcg(at: 10, ranked: ranked, relevant: query.relevant)
            for (slot, k) in [(5, 1), (6, 5), (7, 10)] {
                sums[slot] += RetrievalMetrics.hit(at: k, ranked: ranked, relevant: query.relevant)
            }
        }
        let n = Double(max(queries.count, 1))
        let latency = Percentiles(latenciesMs)
        return RetrievalScores(mode: mode, n: queries.count, hitRateAt1: sums[5] / n, hitRateAt5: sums[6] / n,
                               hitRateAt10: sums[7] / n, recallAt1: sums[0] / n, recallAt5: sums[1] / n,
                               recallAt10: sums[2] / n, mrrAt10: sums[3] / n, ndcgAt10: sums[4] / n,
                               latencyMsP50: latency.p50, latencyMsP95: latency.p95)
    }

    /// Every query's keyword and dense hits fused (at this evaluator's depth).
    public func fuse(keyword: Run, dense: Run, fusion: Fusion) -> [[SearchHit]] {
        zip(keyword.hits, dense.hits).map { HybridRetriever.fuse(keyword: $0, dense: $1, fusion: fusion, k: depth) }
    }

    /// The convex blend scored without tuning on the queries it is scored on: queries are split in two folds;
    /// each fold is fused with the keyword weight (and, given `routes`, the category boost) that maximises
    /// nDCG@10 on the other fold. `routes` holds each query's routed category and its confidence.
    public func crossFittedConvex(keyword: Run, dense: Run, queries: [JudgedQuery],
                                  grid: [Double] = stride(from: 0.0, through: 1.0, by: 0.1).map { $0 },
                                  routes: [(category: String, confidence: Double)]? = nil,
                                  boostGrid: [Double] = [0, 0.1, 0.2, 0.3, 0.5, 0.8, 1.2]) -> RetrievalScores {
        let folds = queries.indices.map { ContentHash.sha256(queries[$0].id).first!.asciiValue! % 2 }
        var fused = [[SearchHit]](repeating: [], count: queries.count)
        var chosen: [Double] = [], boosts: [Double] = []
        let settings = grid.flatMap { w in (routes == nil ? [0] : boostGrid).map { (w, $0) } }
        for fold in 0..<2 {
            let train = queries.indices.filter { folds[$0] != fold }
            func fuse(_ i: Int, _ setting: (weight: Double, boost: Double)) -> [SearchHit] {
                let hits = HybridRetriever.fuse(keyword: keyword.hits[i], dense: dense.hits[i],
                                                fusion: .convex(keywordWeight: setting.weight), k: depth)
                guard let route = routes?[i], setting.boost > 0 else { return hits }
                return CategoryBoost.apply(hits, category: route.category, confidence: route.confidence,
                                           boost: setting.boost)
            }
            func quality(_ setting: (weight: Double, boost: Double)) -> Double {
                score(mode: "", hits: train.map { fuse($0, setting) }, queries: train.map { queries[$0] },
                      latenciesMs: []).ndcgAt10
            }
            let best = settings.max { quality($0) < quality($1) }!
            chosen.append(best.0)
            boosts.append(best.1)
            for i in queries.indices where folds[i] == fold { fused[i] = fuse(i, best) }
        }
        let latencies = zip(keyword.latenciesMs, dense.latenciesMs).map { max($0, $1) }
        var scores = score(mode: routes == nil ? "hybrid-convex" : "hybrid-convex+route", hits: fused,
                           queries: queries, latenciesMs: latencies)
        scores.keywordWeights = chosen
        if routes != nil { scores.categoryBoosts = boosts }
        return scores
    }
}
