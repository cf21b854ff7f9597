import ArgumentParser
import Domain
import Evaluation
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

    func run() async throws {
        let loaded = try await RouterSelection.load(model, global: global)
        var evaluation = RoutingEvaluation(
            loaded: loaded, rows: try source.read(), data: source.data,
            fields: (source.textField, source.labelField, source.priorityField),
            encoder: loaded.router.usesEmbeddings ? try EncoderLoader.load() : nil)
        evaluation.outOfScopeLabel = outOfScopeLabel
        let output = try evaluation.run()
        let version = output.model
        if let details {
            let lines = try output.details.map { String(decoding: try JSONEncoder.sorted.encode($0), as: UTF8.self) }
            try (lines.joined(separator: "\n") + "\n").write(toFile: details, atomically: true, encoding: .utf8)
        }
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

    static func table(_ output: RoutingEvaluation.Result) -> String {
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
