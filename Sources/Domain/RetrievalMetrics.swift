import Foundation

/// Ranking metrics for one query: `ranked` ids best first, `relevant` the ids judged relevant.
public enum RetrievalMetrics {
    /// Fraction of the relevant ids found in the top k.
    public static func recall(at k: Int, ranked: [String], relevant: Set<String>) -> Double {
        guard !relevant.isEmpty else { return 0 }
        return Double(Set(ranked.prefix(k)).intersection(relevant).count) / Double(relevant.count)
    }

    /// 1 when any relevant id is in the top k, else 0 (averaged over queries: the hit rate, or success@k).
    public static func hit(at k: Int, ranked: [String], relevant: Set<String>) -> Double {
        ranked.prefix(k).contains(where: relevant.contains) ? 1 : 0
    }

    /// 1 / rank of the first relevant id within the top k, else 0.
    public static func reciprocalRank(at k: Int, ranked: [String], relevant: Set<String>) -> Double {
        guard let index = ranked.prefix(k).firstIndex(where: relevant.contains) else { return 0 }
        return 1 / Double(index + 1)
    }

    /// Normalised discounted cumulative gain with binary relevance.
    public static func ndcg(at k: Int, ranked: [String], relevant: Set<String>) -> Double {
        let dcg = ranked.prefix(k).enumerated().reduce(0.0) { sum, item in
            sum + (relevant.contains(item.element) ? 1 / log2(Double(item.offset + 2)) : 0)
        }
        let ideal = (0..<min(k, relevant.count)).reduce(0.0) { $0 + 1 / log2(Double($1 + 2)) }
        return ideal > 0 ? dcg / ideal : 0
    }
}
