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
    @Option(help: "Rows with this label belong to no category: abstaining on them is correct. They are scored apart from the rest (the per-category metrics cover in-scope rows only).")
    var outOfScopeLabel = "out_of_scope"
    @Option(help: "Write each row's prediction to this JSONL file.") var details: String?

    /// How the router treats rows of no category.
    struct OutOfScopeScores: Encodable {
        var label: String
        var n: Int
        /// Share of out-of-scope rows abstained on.
        var recall: Double
        /// Over all rows: in-scope rows routed to their category, out-of-scope rows abstained on.
        var accuracy: Double
        var allRows: Int
    }

    struct Output: Encodable {
        var model: String
        var data: String
        /// In-scope rows only when the data has out-of-scope rows.
        var router: RouterEvaluation
        var outOfScope: OutOfScopeScores?
        var baselines: [String: RouterEvaluation]
    }

    /// One row of `--details`.
    struct Detail: Encodable {
        var row: Int
        var text: String
        var label: String
        var outOfScope: Bool
        var suggested: String
        var routed: String?
        var confidence: Double
        var abstained: Bool
        var abstainReason: String?
        var familiarity: Double?
        var correct: Bool
    }

    func run() async throws {
        let home = try global.homeDirectory()
        let loaded = try await RouterSelection.load(model, global: global)
        let (router, version) = (loaded.router, loaded.version)
        let all = try source.read()
        let allDecisions = try Self.route(loaded, all.map(\.text))
        let inScope = all.indices.filter { all[$0].category != outOfScopeLabel }
        let examples: [RoutingExample] = inScope.map { all[$0] }
        let decisions: [RoutingDecision] = inScope.map { allDecisions[$0] }
        let texts = examples.map(\.text)
        let correct = all.indices.map { i in
            all[i].category == outOfScopeLabel ? allDecisions[i].abstained : allDecisions[i].category == all[i].category
        }
        var outOfScope: OutOfScopeScores?
        if inScope.count < all.count {
            let outside = all.indices.filter { all[$0].category == outOfScopeLabel }
            outOfScope = OutOfScopeScores(
                label: outOfScopeLabel, n: outside.count,
                recall: Double(outside.filter { allDecisions[$0].abstained }.count) / Double(outside.count),
                accuracy: Double(correct.filter { $0 }.count) / Double(all.count), allRows: all.count)
        }
        if let details {
            let lines = try all.indices.map { i in
                let d = allDecisions[i]
                return String(decoding: try JSONEncoder.sorted.encode(Detail(
                    row: i + 1, text: all[i].text, label: all[i].category, outOfScope: all[i].category == outOfScopeLabel,
                    suggested: d.suggestedCategory, routed: d.category, confidence: d.confidence, abstained: d.abstained,
                    abstainReason: d.abstainReason?.rawValue, familiarity: d.familiarity, correct: correct[i])), as: UTF8.self)
            }
            try (lines.joined(separator: "\n") + "\n").write(toFile: details, atomically: true, encoding: .utf8)
        }
        guard !examples.isEmpty else { throw ValidationError("every row of \(source.data) is labelled \(outOfScopeLabel)") }
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
        let output = Output(model: version, data: source.data, router: evaluation, outOfScope: outOfScope,
                            baselines: baselines)
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

    /// Routes every text; a router trained with another embedder is refused with the model it needs.
    static func route(_ loaded: RouterArtifact.Loaded, _ texts: [String]) throws -> [RoutingDecision] {
        let router = loaded.router
        let encoder = router.usesEmbeddings ? try EncoderLoader.load() : nil
        try loaded.requireEmbedder(encoder?.identity)
        let embeddings = encoder?.encode(texts)
        return try texts.indices.map { try router.checkedRoute(texts[$0], embedding: embeddings?[$0]) }
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
        if let o = output.outOfScope {
            text += String(format: "\n\nout of scope (label %@): n = %d, abstained on %.3f; accuracy over all %d rows %.3f "
                + "(in-scope rows routed to their category, out-of-scope rows abstained on); the rows above are in-scope only",
                           o.label, o.n, o.recall, o.allRows, o.accuracy)
        }
        text += "\n\nper class (router):\n" + Report.table([["label", "support", "precision", "recall", "F1"]]
            + output.router.perClass.map { [$0.label, String($0.support)] + [$0.precision, $0.recall, $0.f1].map { String(format: "%.3f", $0) } })
        text += "\n\naccuracy / coverage:\n" + Report.table([["threshold", "coverage", "accuracy"]]
            + output.router.coverageCurve.map { [$0.threshold, $0.coverage, $0.accuracy].map { String(format: "%.2f", $0) } })
        return text
    }
}
