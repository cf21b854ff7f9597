import Domain
import Foundation
import Monitoring
import Routing

/// How often the monitor alarms on windows from the reference distribution (false alarms) and on windows with a
/// synthetic shift (some categories removed, others tripled), over seeded draws. The data is split once:
/// `routerShare` of it trains a router (for the confidence and abstain checks). Each draw then splits the rest
/// afresh into a reference (4/7) and a pool (3/7), and takes from the pool one window of `window` rows as they come
/// and one with `removed` categories left out and `tripled` categories at three times their share.
public struct DriftEvaluation: Sendable {
    /// The data's name in the report.
    public var data: String
    public var corpus: EvalCorpus
    public var draws = 100
    public var window = 1_000
    public var removed = 10
    public var tripled = 10
    /// Share of the data that trains the router (0: no router, no confidence checks).
    public var routerShare = 0.3
    public var seed: UInt64 = 1
    /// Progress for people (standard error).
    public var note: @Sendable (String) -> Void = { _ in }

    public init(data: String, corpus: EvalCorpus) {
        self.data = data
        self.corpus = corpus
    }

    public struct Rate: Encodable, Sendable {
        public var check: String
        public var falseAlarmRate: Double
        public var detectionRate: Double
    }

    public struct Result: Encodable, Sendable {
        public var data: String
        public var draws: Int
        public var window: Int
        public var reference: Int
        public var removed: Int
        public var tripled: Int
        public var router: String?
        public var options: DriftOptions
        public var rates: [Rate]
        public var overall: Rate
        /// Domain-classifier AUC over the unshifted and the shifted windows: the threshold's margin.
        public var aucUnshifted: Percentiles
        public var aucShifted: Percentiles
        public var repeatedRowsPerShiftedWindow: Double
        public var seconds: Double
    }

    public func run() throws -> Result {
        let started = ContinuousClock.now
        var random = SeededRandom(seed: seed)
        let order = Array(corpus.texts.indices).shuffled(using: &random)
        let routerCount = Int(Double(order.count) * routerShare)
        let rest = Array(order.dropFirst(routerCount))
        let referenceCount = rest.count * 4 / 7
        guard rest.count - referenceCount >= window / 2 else { throw EvaluationError("the window (\(window) rows) is too large for the data") }

        // One router for every draw; its decisions on the other rows are computed once.
        var decisions: [Int: RoutingDecision] = [:], routerName: String?
        if routerCount >= 10 {
            var options = RouterOptions()
            options.l2Grid = [1e-4]
            let cache = Dictionary(order.map { (corpus.texts[$0], corpus.embeddings[$0]) }, uniquingKeysWith: { a, _ in a })
            let router = try Router.train(order.prefix(routerCount).map { RoutingExample(text: corpus.texts[$0], category: corpus.categories[$0], priority: nil) },
                                          options: options, embed: { $0.map { cache[$0]! } })
            for i in rest { decisions[i] = router.route(corpus.texts[i], embedding: corpus.embeddings[i]) }
            routerName = "trained in this run on \(routerCount) rows (validation accuracy \(String(format: "%.3f", router.validation.accuracy)))"
            note("router \(routerName!)")
        }
        func sample(_ indices: [Int]) -> MonitorSample {
            MonitorSample(texts: indices.map { corpus.texts[$0] }, embeddings: indices.map { corpus.embeddings[$0] },
                          categories: indices.map { corpus.categories[$0] },
                          confidences: decisions.isEmpty ? nil : indices.map { decisions[$0]!.confidence },
                          abstained: decisions.isEmpty ? nil : indices.map { decisions[$0]!.abstained })
        }

        let options = DriftOptions()
        var alarms: [String: (unshifted: Int, shifted: Int)] = [:], overall = (unshifted: 0, shifted: 0)
        var aucUnshifted: [Double] = [], aucShifted: [Double] = [], repeats = 0
        for draw in 0..<draws {
            var r = SeededRandom(seed: seed &+ 1_000 &+ UInt64(draw))
            let split = rest.shuffled(using: &r)
            let reference = sample(Array(split.prefix(referenceCount)))
            let pool = Array(split.dropFirst(referenceCount))
            let labels = corpus.labels.shuffled(using: &r)
            var weights: [String: Double] = [:]
            for label in labels.prefix(removed) { weights[label] = 0 }
            for label in labels.dropFirst(removed).prefix(tripled) { weights[label] = 3 }
            let shifted = corpus.draw(window, from: pool, weights: weights, using: &r)
            repeats += shifted.repeats
            for (isShifted, indices) in [(false, Array(pool.shuffled(using: &r).prefix(window))), (true, shifted.indices)] {
                let report = DriftMonitor.report(reference: reference, window: sample(indices), options: options)
                for check in report.checks where check.status == .drift {
                    if isShifted { alarms[check.name, default: (0, 0)].shifted += 1 } else { alarms[check.name, default: (0, 0)].unshifted += 1 }
                }
                if report.drifted { if isShifted { overall.shifted += 1 } else { overall.unshifted += 1 } }
                if let auc = report.check("embedding")?.value { if isShifted { aucShifted.append(auc) } else { aucUnshifted.append(auc) } }
            }
            note("draw \(draw + 1)/\(draws): alarms on unshifted \(overall.unshifted), on shifted \(overall.shifted)")
        }
        let n = Double(draws)
        let checkNames = ["category", "confidence", "abstain", "embedding", "empty-text", "language", "length"]
        return Result(
            data: data, draws: draws, window: window, reference: referenceCount, removed: removed, tripled: tripled,
            router: routerName, options: options,
            rates: checkNames.map { Rate(check: $0, falseAlarmRate: Double(alarms[$0]?.unshifted ?? 0) / n,
                                         detectionRate: Double(alarms[$0]?.shifted ?? 0) / n) },
            overall: Rate(check: "any", falseAlarmRate: Double(overall.unshifted) / n, detectionRate: Double(overall.shifted) / n),
            aucUnshifted: Percentiles(aucUnshifted), aucShifted: Percentiles(aucShifted),
            repeatedRowsPerShiftedWindow: Double(repeats) / n, seconds: (ContinuousClock.now - started).seconds)
    }
}
