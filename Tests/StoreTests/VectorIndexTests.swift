import Foundation
import Store
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

    @Test func replacesAndRemovesByID() throws {
        var index = VectorIndex(dimension: 2)
        try index.add(id: 1, vector: [1, 0])
        try index.add(id: 2, vector: [0, 1])
        try index.add(id: 3, vector: unit([1, 1]))
        try index.add(id: 1, vector: [-1, 0])  // replaced in place, not added twice
        #expect(index.count == 3)
        #expect(try index.search([1, 0], k: 3).map(\.id) == [3, 2, 1])
        index.remove(id: 2)  // the last row (3) moves into its place
        index.remove(id: 99)
        #expect(index.count == 2 && !index.contains(2) && index.contains(3))
        #expect(try index.search([0, 1], k: 3).map(\.id) == [3, 1])
        #expect(try (index.search([1, 1], k: 1).first?.score ?? 0) > 0.99, "the moved vector kept its values")
        index.remove(id: 3)
        index.remove(id: 1)
        #expect(index.count == 0)
        #expect(try index.search([1, 0], k: 3).isEmpty)
        try index.add(id: 4, vector: [0, 1])
        #expect(try index.search([0, 1], k: 1).map(\.id) == [4])
    }
}
