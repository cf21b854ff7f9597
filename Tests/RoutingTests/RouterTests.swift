import Domain
import Foundation
@testable import Routing
import TestSupport
import Testing

@Suite struct TextFeatureTests {
    @Test func tokensFoldCaseAccentsAndWidthAndSplitCJK() {
        #expect(RoutingTokenizer.tokens("Café ＡＢＣ can't-login 東京") == ["cafe", "abc", "can", "t", "login", "東", "京"])
    }

    @Test func asciiTextTakesAFastPathWithTheSameTokens() throws {
        var texts = [String((0..<128).map { Character(Unicode.Scalar(UInt8($0))) }), "Can't LOG-in 2day: card#4242 DECLINED!"]
        if let train = TestSupport.sharedFile("data/banking77/train.csv") {
            texts += try String(contentsOf: train, encoding: .utf8).split(separator: "\n").map(String.init)
        }
        for text in texts { #expect(RoutingTokenizer.asciiTokens(text) == RoutingTokenizer.unicodeTokens(text)) }
    }

    @Test func characterNGramsAreMadeOfCharactersNotScalars() {
        // "हिन" is three scalars but two characters (हि + न).
        let terms = Set(TFIDFVectorizer().terms("हिन"))
        #expect(terms.isSuperset(of: ["c: हि", "c:हिन", "c:न ", "c: हिन "]))
        #expect(!terms.contains("c:ह"))
    }

    @Test func tfidfMatchesAHandComputedExample() {
        var config = FeatureConfig()
        config.wordNGrams = 1
        config.charNGramMin = 0
        config.charNGramMax = 0
        var vectorizer = TFIDFVectorizer(config: config)
        vectorizer.fit(["refund refund card", "card declined"])
        // idf(refund) = ln(3/2) + 1, idf(card) = ln(3/3) + 1 = 1; tf(refund) = 2 → 1 + ln 2.
        let v = vectorizer.transform("refund refund card")
        let refund = (1 + log(Float(2))) * (log(Float(1.5)) + 1), card: Float = 1
        let norm = (refund * refund + card * card).squareRoot()
        let byTerm = Dictionary(uniqueKeysWithValues: zip(v.indices, v.values))
        #expect(abs(byTerm[vectorizer.vocabulary["w:refund"]!]! - refund / norm) < 1e-6)
        #expect(abs(byTerm[vectorizer.vocabulary["w:card"]!]! - card / norm) < 1e-6)
        #expect(vectorizer.transform("unseen words").indices.isEmpty)
    }
}

@Suite struct SoftmaxRegressionTests {
    /// Two overlapping classes on one feature: the fitted model's gradient vanishes (a true optimum) and
    /// its probabilities follow the data.
    @Test func reachesTheOptimumOfTheRegularisedLogLoss() {
        var rows: [FeatureRow] = [], labels: [Int] = []
        for i in 0..<200 {
            let x = Float(i % 20) / 10 - 1  // -1 ... 0.9
            rows.append(FeatureRow(sparse: SparseVector(indices: [0], values: [x]), dense: [1 - x]))
            labels.append(x + Float(i % 7) / 10 - 0.3 > 0 ? 1 : 0)
        }
        var model = SoftmaxRegression(classes: 2, sparseDimension: 1, denseDimension: 1)
        var options = SoftmaxRegression.Options()
        options.l2 = 1e-3
        options.balanced = false
        let result = model.fit(rows, labels: labels, options: options)
        #expect(result.iterations < 200)
        // Finite-difference check that the optimum is stationary.
        let loss = { (m: SoftmaxRegression) -> Double in
            zip(rows, labels).reduce(0.0) { $0 - Double(log(m.probabilities($1.0)[$1.1])) } / Double(rows.count)
                + 0.5e-3 * m.parameters.prefix(4).reduce(0.0) { $0 + Double($1 * $1) }
        }
        #expect(abs(loss(model) - Double(result.loss)) < 1e-4)
        #expect(model.probabilities(rows[19])[1] > 0.8 && model.probabilities(rows[0])[0] > 0.8)
    }

    /// The objective's gradient (dense part by matrix products, rows split over the cores) against central
    /// finite differences of its loss, with sparse and dense features, class weights and the L2 term.
    @Test func gradientMatchesFiniteDifferences() {
        var rng = SeededRandom(seed: 7)
        let (classes, sparse, dense, count) = (5, 30, 7, 700)
        let unit = { (rng: inout SeededRandom) in Float(rng.next() % 2_001) / 1_000 - 1 }
        var rows: [FeatureRow] = [], labels: [Int] = []
        for _ in 0..<count {
            let indices = Array(Set((0..<4).map { _ in Int32(rng.next() % UInt64(sparse)) })).sorted()
            rows.append(FeatureRow(sparse: SparseVector(indices: indices, values: indices.map { _ in unit(&rng) }),
                                   dense: (0..<dense).map { _ in unit(&rng) }))
            labels.append(Int(rng.next() % UInt64(classes)))
        }
        let model = SoftmaxRegression(classes: classes, sparseDimension: sparse, denseDimension: dense)
        let weights = labels.map { Float(1 + $0) / 3 }
        let objective = SoftmaxRegression.Objective(model: model, rows: rows, labels: labels, weights: weights, l2: 0.05)
        #expect(objective.slices == min(2, ProcessInfo.processInfo.activeProcessorCount))
        let theta = (0..<model.parameters.count).map { _ in unit(&rng) / 2 }
        let (_, gradient) = objective.evaluate(theta)
        // Sparse weights, dense weights and biases.
        for index in [0, 17, 64, sparse * classes + 3, (sparse + dense) * classes - 1, (sparse + dense) * classes + 2] {
            var plus = theta, minus = theta
            plus[index] += 1e-2
            minus[index] -= 1e-2
            let numeric = (objective.evaluate(plus).0 - objective.evaluate(minus).0) / 2e-2
            #expect(abs(numeric - gradient[index]) < 1e-3 + 0.02 * abs(gradient[index]), "parameter \(index)")
        }
    }

    @Test func separatesThreeClassesOfSparseText() throws {
        let texts = ["refund my charge", "card was charged twice", "invoice vat number", "app crashes on start",
                     "desktop sync error", "crash after update", "reset my password", "cannot log in", "2fa codes fail"]
        let labels = [0, 0, 0, 1, 1, 1, 2, 2, 2]
        var vectorizer = TFIDFVectorizer()
        vectorizer.fit(texts)
        var model = SoftmaxRegression(classes: 3, sparseDimension: vectorizer.dimension, denseDimension: 0)
        model.fit(texts.map { FeatureRow(sparse: vectorizer.transform($0)) }, labels: labels)
        let predict = { (text: String) -> Int in
            let p = model.probabilities(FeatureRow(sparse: vectorizer.transform(text)))
            return p.indices.max { p[$0] < p[$1] }!
        }
        #expect(predict("charged twice refund") == 0)
        #expect(predict("the app crashes") == 1)
        #expect(predict("password login") == 2)
    }
}

@Suite struct CalibrationTests {
    @Test func temperatureScalingLowersNegativeLogLikelihoodOfOverconfidentLogits() {
        // Logits that are right 70% of the time but claim ~99%.
        var logits: [[Float]] = [], labels: [Int] = []
        for i in 0..<100 {
            logits.append([5, 0])
            labels.append(i % 10 < 7 ? 0 : 1)
        }
        let t = Calibration.fitTemperature(logits: logits, labels: labels)
        #expect(t > 4 && t < 7)  // p = 0.7 needs 5/T = ln(7/3) → T ≈ 5.9
        let before = Calibration.expectedCalibrationError(logits: logits, labels: labels, temperature: 1)
        let after = Calibration.expectedCalibrationError(logits: logits, labels: labels, temperature: t)
        #expect(before > 0.25 && after < 0.02)
    }
}

@Suite struct RouterTests {
    @Test(.enabled(if: TestSupport.hasShared("data/localtriage-anchor/train.jsonl"), "../shared data absent"))
    func beatsThePythonBaselineOnTheAnchorDataAndRoundTrips() throws {
        let anchor = TestSupport.sharedFile("data/localtriage-anchor")!
        let train = try RoutingDataset.read(path: anchor.appendingPathComponent("train.jsonl").path).examples
        let eval = try RoutingDataset.read(path: anchor.appendingPathComponent("eval.jsonl").path).examples
        #expect(train.count == 195 && eval.count == 60)
        #expect(train.allSatisfy { $0.priority != nil })
        var options = RouterOptions()
        options.useEmbeddings = false  // keeps the debug-build test fast; `eval router` measures the full model
        let router = try Router.train(train, options: options)
        let decisions = eval.map { router.route($0.text) }
        let accuracy = Double(zip(decisions, eval).filter { $0.suggestedCategory == $1.category }.count) / 60
        #expect(accuracy > 0.733, "accuracy \(accuracy) does not beat the Python system's 0.733")
        #expect(decisions.allSatisfy { router.categories.contains($0.suggestedCategory) })
        #expect(decisions.allSatisfy { $0.abstained == ($0.confidence < options.abstainBelow) })
        let p1 = zip(decisions, eval).filter { $1.priority == .p1 }
        #expect(Double(p1.filter { $0.0.priority == .p1 }.count) / Double(p1.count) >= 0.8)

        let decoded = try JSONDecoder().decode(Router.self, from: JSONEncoder().encode(router))
        #expect(eval.prefix(10).allSatisfy { decoded.route($0.text) == router.route($0.text) })
    }

    @Test func refusesTooLittleData() {
        #expect(throws: RoutingError.self) {
            try Router.train([RoutingExample(text: "x", category: "a", priority: nil)])
        }
    }
}

@Suite struct RouterEvaluationTests {
    @Test func computesMetricsWithIntervals() {
        let evaluation = RouterEvaluation.evaluate(
            truth: ["a", "a", "b", "b"], predicted: ["a", "b", "b", "b"], confidence: [0.9, 0.4, 0.8, 0.95],
            abstained: [false, true, false, false], truthPriority: [.p1, .p2, .p1, .p3],
            predictedPriority: [.p1, .p1, .p2, .p3])
        #expect(evaluation.accuracy.value == 0.75 && evaluation.accuracy.n == 4)
        #expect(evaluation.accuracy.low <= 0.75 && evaluation.accuracy.high >= 0.75)
        #expect(evaluation.confusion == [[1, 1], [0, 2]])
        #expect(abs(evaluation.macroF1.value - (2.0 / 3 + 0.8) / 2) < 1e-9)
        #expect(evaluation.p1Recall?.value == 0.5 && evaluation.p1Precision?.value == 0.5)
        #expect(evaluation.abstainRate == 0.25 && evaluation.answeredAccuracy == 1)
        #expect(evaluation.coverageCurve.first { $0.threshold > 0.85 }?.coverage == 0.5)
    }
}
