import ArgumentParser
import Domain
import Foundation
import Monitoring
import Routing

/// `localtriage eval drift`: how often the monitor alarms on windows from the reference distribution (false
/// alarms) and on windows with a synthetic shift (some categories removed, others tripled), over seeded draws.
struct EvalDriftCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "drift",
        abstract: "Measure drift detection rate on shifted windows and false-alarm rate on unshifted ones.",
        discussion: """
            The data is split once: --router-share of it trains a router (for the confidence and abstain checks). \
            Each draw then splits the rest afresh into a reference (4/7) and a pool (3/7), and takes from the pool \
            one window of --window rows as they come and one with --removed categories left out and --tripled \
            categories at three times their share (categories chosen per draw).
            """)

    @OptionGroup var global: GlobalOptions
    @Option(help: "Labelled data (e.g. Banking77 train.csv).") var data: String
    @Option(help: "Field holding the text.") var textField = "text"
    @Option(help: "Field holding the category.") var labelField = "category"
    @Option(help: "Seeded draws of each kind.") var draws = 100
    @Option(help: "Rows per window.") var window = 1_000
    @Option(help: "Categories left out of a shifted window.") var removed = 10
    @Option(help: "Categories at three times their share in a shifted window.") var tripled = 10
    @Option(help: "Share of the data that trains the router (0: no router, no confidence checks).") var routerShare = 0.3
    @Option(help: "Base seed.") var seed: UInt64 = 1

    struct Rate: Encodable {
        var check: String
        var falseAlarmRate: Double
        var detectionRate: Double
    }

    struct Output: Encodable {
        var data: String
        var draws: Int
        var window: Int
        var reference: Int
        var removed: Int
        var tripled: Int
        var router: String?
        var options: DriftOptions
        var rates: [Rate]
        var overall: Rate
        /// Domain-classifier AUC over the unshifted and the shifted windows: the threshold's margin.
        var aucUnshifted: Percentiles
        var aucShifted: Percentiles
        var repeatedRowsPerShiftedWindow: Double
        var seconds: Double
    }

    func run() async throws {
        let started = ContinuousClock.now
        let corpus = try EvalCorpus.load(path: data, textField: textField, labelField: labelField)
        var random = SeededRandom(seed: seed)
        let order = Array(corpus.texts.indices).shuffled(using: &random)
        let routerCount = Int(Double(order.count) * routerShare)
        let rest = Array(order.dropFirst(routerCount))
        let referenceCount = rest.count * 4 / 7
        guard rest.count - referenceCount >= window / 2 else { throw ValidationError("--window is too large for the data") }

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
            Report.note("router \(routerName!)")
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
            Report.note("draw \(draw + 1)/\(draws): alarms on unshifted \(overall.unshifted), on shifted \(overall.shifted)")
        }
        let n = Double(draws)
        let checkNames = ["category", "confidence", "abstain", "embedding", "empty-text", "language", "length"]
        let output = Output(
            data: data, draws: draws, window: window, reference: referenceCount, removed: removed, tripled: tripled,
            router: routerName, options: options,
            rates: checkNames.map { Rate(check: $0, falseAlarmRate: Double(alarms[$0]?.unshifted ?? 0) / n,
                                         detectionRate: Double(alarms[$0]?.shifted ?? 0) / n) },
            overall: Rate(check: "any", falseAlarmRate: Double(overall.unshifted) / n, detectionRate: Double(overall.shifted) / n),
            aucUnshifted: Percentiles(aucUnshifted), aucShifted: Percentiles(aucShifted),
            repeatedRowsPerShiftedWindow: Double(repeats) / n, seconds: (ContinuousClock.now - started).seconds)
        if global.json { return try Report.json(output) }
        print("reference n = \(referenceCount), window n = \(window), \(draws) draws of each kind; shifted: \(removed) categories removed, \(tripled) tripled")
        if let routerName { print("router \(routerName)") }
        print(Report.table([["check", "false-alarm rate (unshifted)", "detection rate (shifted)"]]
            + (output.rates + [output.overall]).map { [$0.check, String(format: "%.3f", $0.falseAlarmRate), String(format: "%.3f", $0.detectionRate)] }))
        print(String(format: "domain-classifier AUC: unshifted p50 %.3f, p95 %.3f, max %.3f; shifted p50 %.3f, min %.3f",
                     output.aucUnshifted.p50, output.aucUnshifted.p95, output.aucUnshifted.max, output.aucShifted.p50, output.aucShifted.min))
    }
}
