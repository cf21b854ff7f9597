import Domain
import Foundation
@testable import Routing
import TestSupport
import Testing

/// The shared deterministic stand-in for the sentence encoder (TestSupport), in 1,024 dimensions.
private let hashing = HashingTestEmbedder(dimension: 1024)
private func hashedWords(_ texts: [String]) -> [[Float]] { hashing.embed(texts) }

private func unit(_ v: [Float]) -> [Float] {
    let norm = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
    return v.map { $0 / norm }
}

@Suite struct FamiliarityTests {
    /// Points spread around two directions: the threshold is the asked quantile of each point's similarity to its
    /// nearest other point, a point like the training data is familiar, one at right angles to it is not.
    @Test func theThresholdIsAQuantileOfLeaveOneOutSimilarities() throws {
        var embeddings: [[Float]] = [], labels: [Int] = []
        for i in 0..<40 {
            let t = Float(i) / 40
            embeddings.append(unit(i % 2 == 0 ? [1, t, 0, 0] : [t, 1, 0, 0]))
            labels.append(i % 2)
        }
        let familiarity = try #require(Familiarity(embeddings: embeddings, labels: labels, falseAlarmShare: 0.1))
        let leaveOneOut = Familiarity.nearestOther(familiarity.references, count: 40, dimension: 4)
        // Each point's nearest other: brute force agrees with the blocked matrix product.
        for i in 0..<40 {
            let brute = (0..<40).filter { $0 != i }.map { dot(embeddings[i], embeddings[$0]) }.max()!
            #expect(abs(leaveOneOut[i] - brute) < 1e-5)
        }
        #expect(leaveOneOut.filter { $0 < familiarity.threshold }.count == 4)  // 10% of 40
        #expect(familiarity.similarity(unit([1, 0.5, 0, 0])) >= familiarity.threshold)
        #expect(familiarity.similarity(unit([0, 0, 1, 0])) < familiarity.threshold)
        #expect(familiarity.similarity([1, 0]) == 0, "an embedding of another dimension is nobody's neighbour")
    }

    @Test func keepsAtMostSoManyReferencesPerClassAndSurvivesEncoding() throws {
        let embeddings = (0..<(Familiarity.maxPerClass + 10)).map { unit([1, Float($0) / 100, 0]) } + [unit([0, 0, 1])]
        let labels = Array(repeating: 0, count: Familiarity.maxPerClass + 10) + [1]
        let familiarity = try #require(Familiarity(embeddings: embeddings, labels: labels, falseAlarmShare: 0.05))
        #expect(familiarity.count == Familiarity.maxPerClass + 1)
        let decoded = try JSONDecoder().decode(Familiarity.self, from: JSONEncoder().encode(familiarity))
        #expect(decoded.references == familiarity.references && decoded.threshold == familiarity.threshold)
        #expect(Familiarity(embeddings: [unit([1, 0])], labels: [0], falseAlarmShare: 0.05) == nil)
    }
}

@Suite struct FewShotRouterTests {
    static let topics = [
        "billing": ["charged twice for my order", "refund the double charge", "invoice shows a wrong amount",
                    "billed again after cancelling", "card charged two times", "money taken twice from account",
                    "need a refund for the charge", "wrong amount on my bill"],
        "login": ["cannot log in to my account", "password reset link expired", "locked out after failed login",
                  "two factor code not arriving", "forgot my password again", "login page keeps spinning",
                  "reset password email missing", "account locked cannot sign in"],
        "shipping": ["parcel has not arrived yet", "tracking number shows nothing", "delivery is two weeks late",
                     "package sent to wrong address", "courier lost my parcel", "where is my delivery",
                     "shipment stuck in customs", "order not delivered yet"],
    ]
    static let examples = topics.sorted { $0.key < $1.key }.flatMap { category, texts in
        texts.map { RoutingExample(text: $0, category: category, priority: nil) }
    }

    @Test func smallTrainingSetsAreCrossValidatedLargeOnesSplitOnce() throws {
        let router = try Router.train(Self.examples, embed: hashedWords)
        #expect(router.validation.folds == 5)
        #expect(router.validation.n == Self.examples.count, "every example is predicted once, by a model without it")
        var options = RouterOptions()
        options.crossValidateBelow = 10
        let split = try Router.train(Self.examples, options: options, embed: hashedWords)
        #expect(split.validation.folds == 1 && split.validation.n == 3 * 1)  // 15% of 8, rounded, per class
        #expect(Router.validationFolds(Self.examples, categories: ["billing", "login", "shipping"], options: RouterOptions())
            .allSatisfy { fold in Set(fold.map { Self.examples[$0].category }).count == 3 },
                "each fold holds every category")
    }

    @Test func abstainsOnTicketsUnlikeItsTrainingAndSaysWhy() throws {
        let router = try Router.train(Self.examples, embed: hashedWords)
        let familiar = "charged twice for my order"
        let known = router.route(familiar, embedding: hashedWords([familiar])[0])
        #expect(!known.abstained && known.category == "billing" && known.abstainReason == nil && known.abstainExplanation == nil)
        let stranger = "quantum chromodynamics lecture notes"
        let unknown = router.route(stranger, embedding: hashedWords([stranger])[0])
        #expect(unknown.abstained && unknown.abstainReason == .unfamiliar && unknown.category == nil)
        #expect(unknown.abstainExplanation?.contains("unlike the tickets") == true)
        #expect(try #require(unknown.familiarity) < Double(try #require(router.familiarity).threshold))

        var options = RouterOptions()
        options.abstainBelow = 0.999
        let cautious = try Router.train(Self.examples, options: options, embed: hashedWords)
        let close = cautious.route(familiar, embedding: hashedWords([familiar])[0])
        #expect(close.abstained && close.abstainReason == .uncertain)
        #expect(close.abstainExplanation?.contains("billing") == true)

        let withoutCheck = try Router.train(Self.examples, embed: nil)
        #expect(withoutCheck.familiarity == nil && withoutCheck.route(stranger).abstainReason != .unfamiliar)
    }

    @Test func theCentroidBlendIsChosenOnHeldOutPredictions() throws {
        let router = try Router.train(Self.examples, embed: hashedWords)
        let weight = router.centroidWeight ?? 0
        #expect((0...1).contains(weight))
        #expect((router.centroids == nil) == (weight == 0))
        var options = RouterOptions()
        options.centroidWeights = [0]
        let linear = try Router.train(Self.examples, options: options, embed: hashedWords)
        #expect(linear.centroids == nil && linear.centroidWeight == nil)
        // Probabilities stay a distribution after blending.
        let p = router.assess("refund please", embedding: hashedWords(["refund please"])[0]).probabilities
        #expect(abs(p.reduce(0, +) - 1) < 1e-4)
        // An artefact from before the blend and the familiarity check still decodes.
        var json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(router)) as! [String: Any]
        for key in ["centroids", "centroidWeight", "familiarity"] { json[key] = nil }
        let old = try JSONDecoder().decode(Router.self, from: JSONSerialization.data(withJSONObject: json))
        let familiar = "charged twice for my order"
        #expect(old.familiarity == nil && old.route(familiar, embedding: hashedWords([familiar])[0]).suggestedCategory == "billing")
    }
}

@Suite struct PlainBaselineTests {
    @Test func abstainsBelowItsFixedThreshold() {
        let baseline = PlainBaseline(training: FewShotRouterTests.examples)
        let sure = PlainBaseline(training: FewShotRouterTests.examples, abstainBelow: 0)
        #expect(sure.route("charged twice refund").category == "billing" && !sure.route("charged twice refund").abstained)
        let guess = baseline.route("charged twice refund")
        #expect(guess.abstained == (guess.confidence < 0.5))
    }
}
