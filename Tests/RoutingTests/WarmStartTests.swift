import Foundation
@testable import Routing
import TestSupport
import Testing

@Suite struct WarmStartTests {
    /// Up to `count` texts of the first `classes` labels of Banking77 train, or a small built-in set without it.
    static func data(count: Int = 600, classes: Int = 8) throws -> (texts: [String], labels: [Int]) {
        if let url = TestSupport.sharedFile("data/banking77/train.csv") {
            let examples = try RoutingDataset.read(path: url.path).examples
            let names = Array(Set(examples.map(\.category))).sorted().prefix(classes)
            let index = Dictionary(uniqueKeysWithValues: names.enumerated().map { ($1, $0) })
            let kept = examples.filter { index[$0.category] != nil }.prefix(count)
            return (kept.map(\.text), kept.map { index[$0.category]! })
        }
        let base = ["refund my charge", "card was charged twice", "invoice vat number", "app crashes on start",
                    "desktop sync error", "crash after update", "reset my password", "cannot log in", "2fa codes fail"]
        let texts = (0..<count).map { base[$0 % base.count] + " \($0 % 13)" }
        return (texts, (0..<count).map { ($0 % base.count) / 3 })
    }

    static func rows(_ texts: [String]) -> (TFIDFVectorizer, [FeatureRow]) {
        var vectorizer = TFIDFVectorizer()
        vectorizer.fit(texts)
        return (vectorizer, texts.map { FeatureRow(sparse: vectorizer.transform($0)) })
    }

    @Test func warmStartFromAStrongerPenaltyReachesTheColdOptimum() throws {
        let (texts, labels) = try Self.data()
        let (vectorizer, rows) = Self.rows(texts)
        let classes = (labels.max() ?? 0) + 1
        var options = SoftmaxRegression.Options()
        options.tolerance = 1e-6
        options.maxIterations = 3_000
        options.l2 = 1e-3
        var cold = SoftmaxRegression(classes: classes, sparseDimension: vectorizer.dimension, denseDimension: 0)
        let coldFit = cold.fit(rows, labels: labels, options: options)
        var warm = SoftmaxRegression(classes: classes, sparseDimension: vectorizer.dimension, denseDimension: 0)
        var strong = options
        strong.l2 = 1e-2
        warm.fit(rows, labels: labels, options: strong)
        let warmFit = warm.fit(rows, labels: labels, options: options)
        #expect(abs(warmFit.loss - coldFit.loss) < 1e-4 * max(1, abs(coldFit.loss)))
        #expect(warmFit.iterations < coldFit.iterations)
        // Same predictions: probabilities agree (biases are only defined up to a shared constant, so compare those).
        for row in rows.prefix(100) {
            let a = cold.probabilities(row), b = warm.probabilities(row)
            #expect(zip(a, b).allSatisfy { abs($0 - $1) < 1e-2 })
        }
    }

    @Test func fitsAreDeterministicWithRowsSplitOverTheCores() throws {
        let (texts, labels) = try Self.data()
        let (vectorizer, rows) = Self.rows(texts)
        let classes = (labels.max() ?? 0) + 1
        var options = SoftmaxRegression.Options()
        options.maxIterations = 40
        var first = SoftmaxRegression(classes: classes, sparseDimension: vectorizer.dimension, denseDimension: 0)
        var second = first
        let a = first.fit(rows, labels: labels, options: options), b = second.fit(rows, labels: labels, options: options)
        #expect(a.loss == b.loss && a.iterations == b.iterations)
        #expect(first.parameters == second.parameters)
    }

    @Test func remappingMovesEachFeatureToItsNewIndex() throws {
        let (texts, labels) = try Self.data(count: 200, classes: 3)
        let (vectorizer, rows) = Self.rows(texts)
        let classes = (labels.max() ?? 0) + 1
        let withDense = rows.enumerated().map { FeatureRow(sparse: $1.sparse, dense: [Float($0 % 5) / 5, 1]) }
        var model = SoftmaxRegression(classes: classes, sparseDimension: vectorizer.dimension, denseDimension: 2)
        var options = SoftmaxRegression.Options()
        options.maxIterations = 30
        model.fit(withDense, labels: labels, options: options)
        // New space: the old features reversed, after three new ones.
        let d = vectorizer.dimension
        let featureMap = (0..<d).map { 3 + (d - 1 - $0) }
        let moved = model.remapped(sparseDimension: d + 3, featureMap: featureMap)
        for row in withDense.prefix(50) {
            let pairs = zip(row.sparse.indices, row.sparse.values).map { (Int32(featureMap[Int($0)]), $1) }.sorted { $0.0 < $1.0 }
            let shifted = FeatureRow(sparse: SparseVector(indices: pairs.map(\.0), values: pairs.map(\.1)), dense: row.dense)
            #expect(zip(model.logits(row), moved.logits(shifted)).allSatisfy { abs($0 - $1) < 1e-5 })
        }
        // Dropped features (-1) vanish; new features start at zero.
        let dropped = model.remapped(sparseDimension: d, featureMap: [Int](repeating: -1, count: d))
        #expect(dropped.parameters.prefix(d * classes).allSatisfy { $0 == 0 })
        #expect(Array(dropped.parameters.suffix(3 * classes)) == Array(model.parameters.suffix(3 * classes)))
    }
}
