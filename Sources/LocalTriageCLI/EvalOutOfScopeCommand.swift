import ArgumentParser
import Domain
import Evaluation
import Foundation

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

    func run() async throws {
        var evaluation = OutOfScopeEvaluation(data: data, test: test, encoder: noEmbeddings ? nil : try EncoderLoader.load())
        evaluation.draws = draws
        evaluation.seed = seed
        evaluation.known = known
        evaluation.shots = shots
        evaluation.scarce = scarce
        evaluation.scarceShots = scarceShots
        evaluation.unfamiliarShare = unfamiliarShare
        evaluation.note = { Report.note($0) }
        let output = try evaluation.run()
        if global.json { return try Report.json(output) }
        print(output.protocolDescription + "; seeds \(output.seeds.map(String.init).joined(separator: ","))")
        func row(_ name: String, _ s: OutOfScopeEvaluation.Summary) -> [String] {
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
}
