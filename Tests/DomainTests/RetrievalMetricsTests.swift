import Domain
import Foundation
import Testing

@Suite struct RetrievalMetricsTests {
    @Test func recallCountsRelevantIdsInTheTopK() {
        let ranked = ["a", "b", "c", "d"]
        #expect(RetrievalMetrics.recall(at: 1, ranked: ranked, relevant: ["b", "d"]) == 0)
        #expect(RetrievalMetrics.recall(at: 2, ranked: ranked, relevant: ["b", "d"]) == 0.5)
        #expect(RetrievalMetrics.recall(at: 10, ranked: ranked, relevant: ["b", "d"]) == 1)
        #expect(RetrievalMetrics.recall(at: 5, ranked: ranked, relevant: []) == 0)
    }

    @Test func reciprocalRankUsesTheFirstHit() {
        #expect(RetrievalMetrics.reciprocalRank(at: 10, ranked: ["x", "y", "a"], relevant: ["a", "y"]) == 0.5)
        #expect(RetrievalMetrics.reciprocalRank(at: 1, ranked: ["x", "a"], relevant: ["a"]) == 0)
    }

    @Test func ndcgMatchesAHandComputedValue() {
        // Relevant at ranks 1 and 3 of 2 relevant: (1 + 1/log2(4)) / (1 + 1/log2(3)).
        let expected = (1 + 1 / log2(4.0)) / (1 + 1 / log2(3.0))
        let value = RetrievalMetrics.ndcg(at: 10, ranked: ["a", "x", "b"], relevant: ["a", "b"])
        #expect(abs(value - expected) < 1e-12)
        #expect(RetrievalMetrics.ndcg(at: 10, ranked: ["a", "b"], relevant: ["a", "b"]) == 1)
    }
}
