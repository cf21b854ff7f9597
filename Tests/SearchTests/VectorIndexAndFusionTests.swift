import Foundation
import Search
import Testing

@Suite struct VectorIndexTests {
    private func unit(_ v: [Float]) -> [Float] {
        let norm = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
        return v.map { $0 / norm }
    }

    @Test func findsTheExactNearestNeighboursBestFirst() throws {
        var generator = SystemRandomNumberGenerator()
        var index = VectorIndex(dimension: 16)
        var vectors: [[Float]] = []
        for id in 0..<500 {
            let v = unit((0..<16).map { _ in Float.random(in: -1...1, using: &generator) })
            vectors.append(v)
            try index.add(id: Int64(id), vector: v)
        }
        let query = unit((0..<16).map { _ in Float.random(in: -1...1, using: &generator) })
        let hits = try index.search(query, k: 10)
        let brute = vectors.enumerated()
            .map { (Int64($0.offset), zip($0.element, query).reduce(Float(0)) { $0 + $1.0 * $1.1 }) }
            .sorted { $0.1 > $1.1 }.prefix(10)
        #expect(hits.map(\.id) == brute.map(\.0))
        for (hit, expected) in zip(hits, brute) { #expect(abs(hit.score - expected.1) < 1e-5) }
        #expect(index.count == 500 && index.memoryBytes >= 500 * 16 * 4)
    }

    @Test func filtersBeforeRankingAndHandlesSmallIndexes() throws {
        var index = VectorIndex(dimension: 2)
        try index.add(id: 1, vector: [1, 0])
        try index.add(id: 2, vector: [0, 1])
        try index.add(id: 3, vector: unit([1, 1]))
        #expect(try index.search([1, 0], k: 5).map(\.id) == [1, 3, 2])
        #expect(try index.search([1, 0], k: 5, allowed: { $0 != 1 }).map(\.id) == [3, 2])
        #expect(try index.search([1, 0], k: 0).isEmpty)
        #expect(try VectorIndex(dimension: 2).search([1, 0], k: 3).isEmpty)
    }
}

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
