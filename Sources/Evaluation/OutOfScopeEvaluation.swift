import Domain
import Foundation
import Monitoring
import Routing

/// The few-shot protocol with traffic of no known category. Each seeded draw keeps `known` categories, trains on
/// `shots` examples of each (`scarceShots` for `scarce` of them), and tests on every test row: the other
/// categories' rows are out of scope, and abstaining on them is correct. A test row is correct when a known
/// category's row is routed to it (not abstained on), or an out-of-scope row is abstained on. The router is scored
/// beside plain TF-IDF + logistic regression with a 0.5 threshold on the same draws. With `test` equal to `data` the
/// test rows are the training file's rows not drawn for training (for choosing settings without the test set).
public struct OutOfScopeEvaluation: Sendable {
    public var data: String
    public var test: String
    public var draws = 10
    /// Seed of the first draw; draw i uses seed + i.
    public var seed: UInt64 = 1
    public var known = 40
    public var shots = 20
    public var scarce = 8
    public var scarceShots = 5
    /// Overrides the router's unfamiliar share (the familiarity threshold's quantile).
    public var unfamiliarShare: Double?
    /// Nil: TF-IDF features only (no familiarity check, no centroids).
    public var encoder: (any TextEmbedder)?
    /// Progress for people (standard error).
    public var note: @Sendable (String) -> Void = { _ in }

    public init(data: String, test: String, encoder: (any TextEmbedder)?) {
        self.data = data
        self.test = test
        self.encoder = encoder
    }

    public struct Scores: Codable, Sendable {
        public var accuracy: Double
        public var inScopeAccuracy: Double
        public var outOfScopeRecall: Double
        public var inScopeAbstained: Double
    }

    public struct Draw: Encodable, Sendable {
        public var seed: UInt64
        public var known: [String]
        public var trainingExamples: Int
        public var testInScope: Int
        public var testOutOfScope: Int
        public var router: Scores
        public var baseline: Scores
        /// Why the router abstained on out-of-scope rows and on in-scope rows.
        public var abstainReasons: [String: [String: Int]]
        /// AUROC of each out-of-scope score (higher = more likely out of scope), for comparing them.
        public var outOfScopeAUROC: [String: Double]
        public var validation: Router.ValidationReport
        public var centroidWeight: Double
        public var familiarityThreshold: Double?
        public var trainingSeconds: Double
    }

    public struct Spread: Encodable, Sendable {
        public var mean: Double, min: Double, max: Double
        init(_ values: [Double]) {
            (mean, min, max) = (values.reduce(0, +) / Double(Swift.max(values.count, 1)), values.min() ?? 0, values.max() ?? 0)
        }
    }

    public struct Summary: Encodable, Sendable {
        public var accuracy: Spread, inScopeAccuracy: Spread, outOfScopeRecall: Spread, inScopeAbstained: Spread
        init(_ scores: [Scores]) {
            accuracy = Spread(scores.map(\.accuracy))
            inScopeAccuracy = Spread(scores.map(\.inScopeAccuracy))
            outOfScopeRecall = Spread(scores.map(\.outOfScopeRecall))
            inScopeAbstained = Spread(scores.map(\.inScopeAbstained))
        }
    }

    public struct Result: Encodable, Sendable {
        public var protocolDescription: String
        public var data: String, test: String
        public var seeds: [UInt64]
        public var router: Summary
        public var baseline: Summary
        public var pointsAboveBaseline: Spread
        public var outOfScopeAUROC: [String: Spread]
        public var draws: [Draw]
    }

    public func run() throws -> Result {
        let train = try RoutingDataset.read(path: data).examples
        let testSet = try RoutingDataset.read(path: test).examples
        let sameFile = URL(fileURLWithPath: data).standardizedFileURL == URL(fileURLWithPath: test).standardizedFileURL
        let noEmbeddings = encoder == nil
        let categories = Array(Set(train.map(\.category))).sorted()
        guard known >= 2, known < categories.count, scarce <= known, shots >= 2, scarceShots >= 1 else {
            throw EvaluationError("need 2 ≤ known < \(categories.count) categories, scarce ≤ known, shots ≥ 2, scarce shots ≥ 1")
        }
        let byCategory = Dictionary(grouping: train.indices, by: { train[$0].category })

        // The draws first, so every text is embedded once.
        let plans = (0..<UInt64(draws)).map { i -> (seed: UInt64, known: [String], rows: [Int]) in
            var random = SeededRandom(seed: seed &+ i)
            let chosen = categories.shuffled(using: &random).prefix(known)
            let rows = chosen.enumerated().flatMap { j, category in
                byCategory[category]!.shuffled(using: &random).prefix(j < scarce ? scarceShots : shots)
            }
            return (seed &+ i, chosen.sorted(), rows)
        }
        var vectors: [String: [Float]] = [:]
        if let encoder {
            let texts = Array(Set(plans.flatMap { $0.rows.map { train[$0].text } } + testSet.map(\.text)))
            note("embedding \(texts.count) texts")
            for (text, vector) in zip(texts, try encoder.embed(texts)) { vectors[text] = vector }
        }

        var results: [Draw] = []
        for plan in plans {
            let examples = plan.rows.map { train[$0] }
            let knownSet = Set(plan.known)
            let drawn = Set(plan.rows)
            let rows = sameFile ? testSet.indices.filter { !drawn.contains($0) } : Array(testSet.indices)
            var options = RouterOptions()
            options.useEmbeddings = !noEmbeddings
            if let unfamiliarShare { options.unfamiliarShare = unfamiliarShare }
            let started = ContinuousClock.now
            let router = try Router.train(examples, options: options,
                                          embed: encoder == nil ? nil : { $0.map { vectors[$0]! } })
            let seconds = (ContinuousClock.now - started).seconds
            let baseline = PlainBaseline(training: examples)

            var routerRight: [Bool] = [], baselineRight: [Bool] = [], outside: [Bool] = []
            var routerAbstained: [Bool] = [], baselineAbstained: [Bool] = []
            var reasons: [String: [String: Int]] = ["outOfScope": [:], "inScope": [:]]
            var oosScores: [String: [Double]] = [:]
            let centroids = encoder == nil ? nil : CentroidClassifier(
                embeddings: examples.map { vectors[$0.text]! }, labels: examples.map { router.categories.firstIndex(of: $0.category)! },
                classes: router.categories.count)
            for row in rows {
                let ticket = testSet[row]
                let isOutside = !knownSet.contains(ticket.category)
                let embedding = encoder == nil ? nil : vectors[ticket.text]
                let decision = router.route(ticket.text, embedding: embedding)
                let guess = baseline.route(ticket.text)
                outside.append(isOutside)
                routerAbstained.append(decision.abstained)
                baselineAbstained.append(guess.abstained)
                routerRight.append(isOutside ? decision.abstained : decision.category == ticket.category)
                baselineRight.append(isOutside ? guess.abstained : (!guess.abstained && guess.category == ticket.category))
                if let reason = decision.abstainReason {
                    reasons[isOutside ? "outOfScope" : "inScope"]![reason.rawValue, default: 0] += 1
                }
                let assessment = router.assess(ticket.text, embedding: embedding)
                let t = Double(router.temperature), z = assessment.logits.map { Double($0) / t }, top = z.max() ?? 0
                let energy = t * (top + log(z.map { exp($0 - top) }.reduce(0, +)))  // T·logsumexp(z/T)
                oosScores["maxProbability", default: []].append(-(assessment.probabilities.max() ?? 0))
                oosScores["energy", default: []].append(-energy)
                oosScores["baselineMaxProbability", default: []].append(-guess.confidence)
                if let embedding, let centroids {
                    oosScores["nearestCentroid", default: []].append(-Double(centroids.similarities(embedding).max() ?? 0))
                }
                if let familiarity = assessment.familiarity { oosScores["nearestExample", default: []].append(-familiarity) }
                if let embedding, let sims = router.familiarity?.similarities(embedding).sorted(by: >) {
                    for k in [3, 5] { oosScores["meanOf\(k)Nearest", default: []].append(-Double(sims.prefix(k).reduce(0, +)) / Double(k)) }
                }
            }
            results.append(Draw(
                seed: plan.seed, known: plan.known, trainingExamples: examples.count,
                testInScope: outside.filter { !$0 }.count, testOutOfScope: outside.filter { $0 }.count,
                router: Self.scores(right: routerRight, abstained: routerAbstained, outside: outside),
                baseline: Self.scores(right: baselineRight, abstained: baselineAbstained, outside: outside),
                abstainReasons: reasons,
                outOfScopeAUROC: Self.withRankAverage(oosScores, "nearestExample", "energy").mapValues { ROCAUC.auc(scores: $0, labels: outside) },
                validation: router.validation, centroidWeight: router.centroidWeight ?? 0,
                familiarityThreshold: router.familiarity.map { Double($0.threshold) }, trainingSeconds: seconds))
            let last = results.last!
            note(String(format: "draw %llu: router %.3f (in %.3f, oos recall %.3f), baseline %.3f, trained in %.1f s",
                               plan.seed, last.router.accuracy, last.router.inScopeAccuracy, last.router.outOfScopeRecall,
                               last.baseline.accuracy, seconds))
        }
        let aurocNames = Set(results.flatMap(\.outOfScopeAUROC.keys))
        return Result(
            protocolDescription: "\(draws) draws; \(known) known categories; \(shots) examples each, \(scarceShots) for "
                + "\(scarce) of them; test rows of other categories are out of scope"
                + (sameFile ? " (test rows: the training file's undrawn rows)" : ""),
            data: data, test: test, seeds: plans.map(\.seed),
            router: Summary(results.map(\.router)), baseline: Summary(results.map(\.baseline)),
            pointsAboveBaseline: Spread(results.map { 100 * ($0.router.accuracy - $0.baseline.accuracy) }),
            outOfScopeAUROC: Dictionary(uniqueKeysWithValues: aurocNames.map { name in
                (name, Spread(results.compactMap { $0.outOfScopeAUROC[name] }))
            }),
            draws: results)
    }

    /// `scores` with the mean rank of two of them added (a combination that needs no weights).
    static func withRankAverage(_ scores: [String: [Double]], _ a: String, _ b: String) -> [String: [Double]] {
        guard let x = scores[a], let y = scores[b], x.count == y.count else { return scores }
        func ranks(_ v: [Double]) -> [Double] {
            var r = [Double](repeating: 0, count: v.count)
            for (rank, i) in v.indices.sorted(by: { v[$0] < v[$1] }).enumerated() { r[i] = Double(rank) }
            return r
        }
        var out = scores
        out["\(a)+\(b)"] = zip(ranks(x), ranks(y)).map { ($0 + $1) / 2 }
        return out
    }

    static func scores(right: [Bool], abstained: [Bool], outside: [Bool]) -> Scores {
        func share(_ indices: [Int], _ test: (Int) -> Bool) -> Double {
            indices.isEmpty ? 0 : Double(indices.filter(test).count) / Double(indices.count)
        }
        let all = Array(right.indices)
        let inside = all.filter { !outside[$0] }, oos = all.filter { outside[$0] }
        return Scores(accuracy: share(all) { right[$0] }, inScopeAccuracy: share(inside) { right[$0] },
                      outOfScopeRecall: share(oos) { abstained[$0] }, inScopeAbstained: share(inside) { abstained[$0] })
    }
}
