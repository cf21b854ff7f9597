import ArgumentParser
import Domain
import Foundation
import Lifecycle
import Routing

/// `localtriage eval router`: accuracy, macro-F1, per class, confusion, P1 recall/precision, abstention, with
/// bootstrap intervals and baselines (majority class; plain word TF-IDF + LR) trained on the same data.
struct EvalRouterCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "router",
        abstract: "Evaluate a trained router on labelled data, beside majority-class and plain TF-IDF + LR baselines.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var source: RoutingDataOptions
    @Option(help: ArgumentHelp(stringLiteral: RouterSelection.help)) var model = "champion"
    @Option(help: "Write report.json and report.md to this folder.") var out: String?

    struct Output: Encodable {
        var model: String
        var data: String
        var router: RouterEvaluation
        var baselines: [String: RouterEvaluation]
    }

    func run() async throws {
        let home = try global.homeDirectory()
        let loaded = try await RouterSelection.load(model, home: home)
        let (router, version) = (loaded.router, loaded.version)
        let examples = try source.read()
        let texts = examples.map(\.text)
        let embeddings = router.usesEmbeddings ? try EncoderLoader.load().encode(texts) : []
        let decisions = texts.indices.map { router.route(texts[$0], embedding: router.usesEmbeddings ? embeddings[$0] : nil) }
        let evaluation = RouterEvaluation.evaluate(
            truth: examples.map(\.category), predicted: decisions.map(\.suggestedCategory),
            confidence: decisions.map(\.confidence), abstained: decisions.map(\.abstained),
            truthPriority: examples.map(\.priority), predictedPriority: decisions.map(\.priority))

        // Baselines trained on the router's own training data.
        var baselines: [String: RouterEvaluation] = [:]
        let manifest = try RouterArtifact.manifest(at: loaded.directory)
        if let training = try? RoutingDataset.read(path: manifest.trainingData, textField: source.textField,
                                                   labelField: source.labelField, priorityField: source.priorityField).examples {
            let counts = Dictionary(grouping: training.map(\.category), by: { $0 }).mapValues(\.count)
            let majority = counts.max { $0.value < $1.value }!.key
            baselines["majority-class"] = RouterEvaluation.evaluate(
                truth: examples.map(\.category), predicted: examples.map { _ in majority },
                confidence: examples.map { _ in 1 }, abstained: examples.map { _ in false })
            var plain = RouterOptions()
            plain.useEmbeddings = false
            plain.features.charNGramMin = 0
            plain.features.charNGramMax = 0
            plain.l2Grid = [1e-4]
            plain.abstainBelow = 0
            let baseline = try Router.train(training, options: plain)
            let guesses = texts.map { baseline.route($0) }
            baselines["tfidf-word-lr"] = RouterEvaluation.evaluate(
                truth: examples.map(\.category), predicted: guesses.map(\.suggestedCategory),
                confidence: guesses.map(\.confidence), abstained: guesses.map { _ in false },
                truthPriority: examples.map(\.priority), predictedPriority: guesses.map(\.priority))
        }
        let output = Output(model: version, data: source.data, router: evaluation, baselines: baselines)
        let table = Self.table(output)
        if let out {
            let dir = URL(fileURLWithPath: out)
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            try Report.encoded(output).write(to: dir.appendingPathComponent("report.json"))
            try "# Router evaluation\n\nModel `\(version)` on `\(source.data)`.\n\n```\n\(table)\n```\n"
                .write(to: dir.appendingPathComponent("report.md"), atomically: true, encoding: .utf8)
        }
        if global.json { return try Report.json(output) }
        print(table)
    }

    static func table(_ output: Output) -> String {
        func cell(_ e: Estimate?) -> String {
            guard let e else { return "–" }
            return String(format: "%.3f [%.3f, %.3f] n=%d", e.value, e.low, e.high, e.n)
        }
        var rows = [["system", "accuracy (95% CI)", "macro-F1", "P1 recall", "P1 precision", "abstain", "answered acc."]]
        rows.append(["router \(output.model)", cell(output.router.accuracy), cell(output.router.macroF1),
                     cell(output.router.p1Recall), cell(output.router.p1Precision),
                     String(format: "%.3f", output.router.abstainRate), String(format: "%.3f", output.router.answeredAccuracy)])
        for (name, b) in output.baselines.sorted(by: { $0.key < $1.key }) {
            rows.append([name, cell(b.accuracy), cell(b.macroF1), cell(b.p1Recall), cell(b.p1Precision), "–", "–"])
        }
        var text = Report.table(rows)
        text += "\n\nper class (router):\n" + Report.table([["label", "support", "precision", "recall", "F1"]]
            + output.router.perClass.map { [$0.label, String($0.support)] + [$0.precision, $0.recall, $0.f1].map { String(format: "%.3f", $0) } })
        text += "\n\naccuracy / coverage:\n" + Report.table([["threshold", "coverage", "accuracy"]]
            + output.router.coverageCurve.map { [$0.threshold, $0.coverage, $0.accuracy].map { String(format: "%.2f", $0) } })
        return text
    }
}
