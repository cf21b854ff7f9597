import Domain
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

/// Mean ranking metrics of one retriever over a query set, at the article level.
public struct RetrievalScores: Codable, Sendable, Equatable {
    public var mode: String
    public var n: Int
    public var recallAt1: Double
    public var recallAt5: Double
    public var recallAt10: Double
    public var mrrAt10: Double
    public var ndcgAt10: Double
    /// Per-query latency of the retriever, in milliseconds.
    public var latencyMsP50: Double
    public var latencyMsP95: Double
}

/// Runs judged queries through a retriever and scores the ranked articles (chunks of the same article count
/// once, at their best rank).
public struct RetrievalEvaluator: Sendable {
    /// How many chunks to fetch per query before collapsing them to articles.
    public var depth: Int

    public init(depth: Int = 50) {
        self.depth = depth
    }

    public func evaluate(_ retriever: some Retriever, queries: [JudgedQuery]) async throws -> RetrievalScores {
        var sums = [Double](repeating: 0, count: 5)
        var latencies: [Double] = []
        for query in queries {
            let started = ContinuousClock.now
            let hits = try await retriever.search(query.text, k: depth, filter: SearchFilter())
            let elapsed = ContinuousClock.now - started
            latencies.append(Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1e3)
            var seen = Set<String>()
            let ranked = hits.map(\.articleID).filter { seen.insert($0).inserted }
            sums[0] += RetrievalMetrics.recall(at: 1, ranked: ranked, relevant: query.relevant)
            sums[1] += RetrievalMetrics.recall(at: 5, ranked: ranked, relevant: query.relevant)
            sums[2] += RetrievalMetrics.recall(at: 10, ranked: ranked, relevant: query.relevant)
            sums[3] += RetrievalMetrics.reciprocalRank(at: 10, ranked: ranked, relevant: query.relevant)
            sums[4] += RetrievalMetrics.ndcg(at: 10, ranked: ranked, relevant: query.relevant)
        }
        let n = Double(max(queries.count, 1))
        latencies.sort()
        func percentile(_ p: Double) -> Double {
            latencies.isEmpty ? 0 : latencies[min(latencies.count - 1, Int((p * Double(latencies.count)).rounded(.up)) - 1)]
        }
        return RetrievalScores(mode: retriever.name, n: queries.count, recallAt1: sums[0] / n, recallAt5: sums[1] / n,
                               recallAt10: sums[2] / n, mrrAt10: sums[3] / n, ndcgAt10: sums[4] / n,
                               latencyMsP50: percentile(0.5), latencyMsP95: percentile(0.95))
    }
}
