import ArgumentParser
import Domain
import Evaluation
import Foundation

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

    func run() async throws {
        var evaluation = DriftEvaluation(data: data, corpus: try EvalCorpus.load(
            path: data, textField: textField, labelField: labelField, embedder: try EncoderLoader.load(), note: Report.note))
        evaluation.draws = draws
        evaluation.window = window
        evaluation.removed = removed
        evaluation.tripled = tripled
        evaluation.routerShare = routerShare
        evaluation.seed = seed
        evaluation.note = { Report.note($0) }
        let output = try evaluation.run()
        let referenceCount = output.reference, routerName = output.router
        if global.json { return try Report.json(output) }
        print("reference n = \(referenceCount), window n = \(window), \(draws) draws of each kind; shifted: \(removed) categories removed, \(tripled) tripled")
        if let routerName { print("router \(routerName)") }
        print(Report.table([["check", "false-alarm rate (unshifted)", "detection rate (shifted)"]]
            + (output.rates + [output.overall]).map { [$0.check, String(format: "%.3f", $0.falseAlarmRate), String(format: "%.3f", $0.detectionRate)] }))
        print(String(format: "domain-classifier AUC: unshifted p50 %.3f, p95 %.3f, max %.3f; shifted p50 %.3f, min %.3f",
                     output.aucUnshifted.p50, output.aucUnshifted.p95, output.aucUnshifted.max, output.aucShifted.p50, output.aucShifted.min))
    }
}
