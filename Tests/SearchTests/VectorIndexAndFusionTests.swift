import Foundation
import Search
import Testing

@Suite struct FusionTests {
    private let keyword: [(key: String, score: Double)] = [("a", 12), ("b", 10), ("c", 2)]
    private let dense: [(key: String, score: Double)] = [("c", 0.9), ("d", 0.8), ("a", 0.3)]

    @Test func reciprocalRankFusionRewardsAgreement() {
        let fused = Fusion.reciprocalRank(k: 60).fuse(keyword: keyword, dense: dense)
        #expect(fused.map(\.key) == ["a", "c", "b", "d"])
        #expect(abs(fused[0].score - (1.0 / 61 + 1.0 / 63)) < 1e-12)
    }

    @Test func convexBlendInterpolatesBetweenTheSides() {
        #expect(Fusion.convex(keywordWeight: 1).fuse(keyword: keyword, dense: dense).first?.key == "a")
        #expect(Fusion.convex(keywordWeight: 0).fuse(keyword: keyword, dense: dense).first?.key == "c")
        let half = Fusion.convex(keywordWeight: 0.5).fuse(keyword: keyword, dense: dense)
        // a: 0.5·1 + 0.5·0 = 0.5; c: 0.5·0 + 0.5·1 = 0.5; b: 0.5·0.8 = 0.4; d: 0.5·(0.5/0.6).
        #expect(half.map(\.key) == ["a", "c", "d", "b"])
        #expect(abs(half[2].score - 0.5 * (0.5 / 0.6)) < 1e-12)
    }

    @Test func emptySidesAreHandled() {
        #expect(Fusion.convex(keywordWeight: 0.3).fuse(keyword: [], dense: dense).map(\.key) == ["c", "d", "a"])
        #expect(Fusion.reciprocalRank(k: 60).fuse(keyword: keyword, dense: []).map(\.key) == ["a", "b", "c"])
    }
}

@Suite struct CategoryBoostTests {
    private func hit(_ id: Int64, _ category: String, _ score: Double) -> SearchHit {
        SearchHit(chunkID: id, articleID: "A\(id)", articleTitle: "t", category: category,
                  chunk: .init(ordinal: 0, heading: "h", text: "x", start: 0, end: 1), score: score)
    }

    @Test func liftsTheRoutedCategoryInProportionToConfidence() {
        let hits = [hit(1, "Technical", 0.9), hit(2, "Feature Request", 0.7), hit(3, "Billing", 0.6)]
        let confident = CategoryBoost.apply(hits, category: "Feature Request", confidence: 0.9, boost: 0.5)
        #expect(confident.map(\.chunkID) == [2, 1, 3])
        #expect(abs(confident[0].score - 1.15) < 1e-12)
        let unsure = CategoryBoost.apply(hits, category: "Feature Request", confidence: 0.2, boost: 0.5)
        #expect(unsure.map(\.chunkID) == [1, 2, 3])
        #expect(CategoryBoost.apply(hits, category: "Nothing", confidence: 1, boost: 1) == hits)
    }
}
