import ArgumentParser
import Domain
import Foundation
import Monitoring
import Routing

/// `localtriage eval out-of-scope`: the few-shot protocol with traffic of no known category. Each seeded draw keeps
/// some categories as known, trains on a few examples of each (fewer for some), and tests on every test row: the
/// other categories' rows are out of scope, and abstaining on them is correct.
struct EvalOutOfScopeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "out-of-scope",
        abstract: "Few-shot routing with out-of-scope traffic: seeded draws of known categories and examples, the "
            + "router beside plain TF-IDF + logistic regression with a 0.5 threshold on the same draws.",
        discussion: """
            A test row is correct when a known category's row is routed to it (not abstained on), or an \
            out-of-scope row is abstained on. Defaults are the Banking77 protocol: 10 draws, 40 known \
            categories, 20 examples of each but 5 for 8 of them. With --test equal to --data the test rows \
            are the training file's rows not drawn for training (for choosing settings without the test set).
            """)

    @OptionGroup var global: GlobalOptions
    @Option(help: "Training data (text, category).") var data = "../shared/data/banking77/train.csv"
    @Option(help: "Test data with the same fields.") var test = "../shared/data/banking77/test.csv"
    @Option(help: "Seeded draws.") var draws = 10
    @Option(help: "Seed of the first draw; draw i uses seed + i.") var seed: UInt64 = 1
    @Option(help: "Categories kept as known in each draw.") var known = 40
    @Option(help: "Training examples of each known category.") var shots = 20
    @Option(help: "Known categories that get only --scarce-shots examples.") var scarce = 8
    @Option(help: "Training examples of a scarce category.") var scarceShots = 5
    @Option(help: "Override the router's unfamiliar share (the familiarity threshold's quantile).") var unfamiliarShare: Double?
    @Flag(help: "TF-IDF features only (no embeddings: no familiarity check, no centroids).") var noEmbeddings = false

    struct Scores: Codable {
        var accuracy: Double
        var inScopeAccuracy: Double
        var outOfScopeRecall: Double
        var inScopeAbstained: Double
    }

    struct Draw: Encodable {
        var seed: UInt64
        var known: [String]
        var trainingExamples: Int
        var testInScope: Int
        var testOutOfScope: Int
        var router: Scores
        var baseline: Scores
        /// Why the router abstained on out-of-scope rows and on in-scope rows.
        var abstainReasons: [String: [String: Int]]
        /// AUROC of each out-of-scope score (higher = more likely out of scope), for comparing them.
        var outOfScopeAUROC: [String: Double]
        var validation: Router.ValidationReport
        var centroidWeight: Double
        var familiarityThreshold: Double?
        var trainingSeconds: Double
    }

    struct Spread: Encodable {
        var mean: Double, min: Double, max: Double
        init(_ values: [Double]) {
            (mean, min, max) = (values.reduce(0, +) / Double(Swift.max(values.count, 1)), values.min() ?? 0, values.max() ?? 0)
        }
    }

    struct Summary: Encodable {
        var accuracy: Spread, inScopeAccuracy: Spread, outOfScopeRecall: Spread, inScopeAbstained: Spread
        init(_ scores: [Scores]) {
            accuracy = Spread(scores.map(\.accuracy))
            inScopeAccuracy = Spread(scores.map(\.inScopeAccuracy))
            outOfScopeRecall = Spread(scores.map(\.outOfScopeRecall))
            inScopeAbstained = Spread(scores.map(\.inScopeAbstained))
        }
    }

    struct Output: Encodable {
        var protocolDescription: String
        var data: String, test: String
        var seeds: [UInt64]
        var router: Summary
        var baseline: Summary
        var pointsAboveBaseline: Spread
        var outOfScopeAUROC: [String: Spread]
        var draws: [Draw]
    }

    func run() async throws {
        let train = try RoutingDataset.read(path: data).examples
        let testSet = try RoutingDataset.read(path: test).examples
        let sameFile = URL(fileURLWithPath: data).standardizedFileURL == URL(fileURLWithPath: test).standardizedFileURL
        let categories = Array(Set(train.map(\.category))).sorted()
        guard known >= 2, known < categories.count, scarce <= known, shots >= 2, scarceShots >= 1 else {
            throw ValidationError("need 2 ≤ --known < \(categories.count) categories, --scarce ≤ --known, --shots ≥ 2")
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
        let encoder = noEmbeddings ? nil : try EncoderLoader.load()
        var vectors: [String: [Float]] = [:]
        if let encoder {
            let texts = Array(Set(plans.flatMap { $0.rows.map { train[$0].text } } + testSet.map(\.text)))
            Report.note("embedding \(texts.count) texts")
            for (text, vector) in zip(texts, encoder.encode(texts)) { vectors[text] = vector }
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
            Report.note(String(format: "draw %llu: router %.3f (in %.3f, oos recall %.3f), baseline %.3f, trained in %.1f s",
                               plan.seed, last.router.accuracy, last.router.inScopeAccuracy, last.router.outOfScopeRecall,
                               last.baseline.accuracy, seconds))
        }
        let aurocNames = Set(results.flatMap(\.outOfScopeAUROC.keys))
        let output = Output(
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
        if global.json { return try Report.json(output) }
        print(output.protocolDescription + "; seeds \(output.seeds.map(String.init).joined(separator: ","))")
        func row(_ name: String, _ s: Summary) -> [String] {
            [name] + [s.accuracy, s.inScopeAccuracy, s.outOfScopeRecall, s.inScopeAbstained].map {
                String(format: "%.3f [%.3f, %.3f]", $0.mean, $0.min, $0.max)
            }
        }
        print(Report.table([["system (mean [min, max])", "accuracy", "in-scope accuracy", "out-of-scope recall", "in-scope abstained"],
                            row("router", output.router), row("tfidf + lr, 0.5 threshold", output.baseline)]))
        print(String(format: "router − baseline: %.1f points [%.1f, %.1f]", output.pointsAboveBaseline.mean,
                     output.pointsAboveBaseline.min, output.pointsAboveBaseline.max))
        print("\nout-of-scope AUROC by score:\n" + Report.table([["score", "mean", "min", "max"]]
            + output.outOfScopeAUROC.sorted { $0.key < $1.key }.map { [$0.key] + [$0.value.mean, $0.value.min, $0.value.max].map { String(format: "%.3f", $0) } }))
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
