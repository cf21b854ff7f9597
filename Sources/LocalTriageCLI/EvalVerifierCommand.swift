import ArgumentParser
import Drafting
import Evaluation
import Foundation

/// `localtriage eval verifier`: chooses the citation verifier's support threshold on labelled sentence–source pairs.
struct EvalVerifierCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verifier",
        abstract: "Choose the citation verifier's threshold on data: support scores of supported vs unsupported citations.",
        discussion: """
            From a CSV/JSON/JSONL of answers with intents (Bitext: response, intent, category), builds --n sentence–source \
            pairs of each label. Supported: a sentence of one answer cited against another answer to the same intent. \
            Unsupported: the same sentence cited against an answer to a different intent of the same category (a hard \
            case: same vocabulary, other facts). Sources are clipped as the draft pipeline clips them. Reports, per \
            threshold, the share of supported pairs accepted and of unsupported pairs rejected. The chosen threshold is the \
            lowest that rejects at least --min-rejected of the unsupported pairs: a citation wrongly marked supported \
            misleads the agent, one wrongly flagged only costs a look (or an extractive draft).
            """
    )

    @OptionGroup var global: GlobalOptions
    @Option(help: "Answers with intents.") var data: String
    @Option(help: "Field holding the answer.") var answerField = "response"
    @Option(help: "Field holding the intent.") var intentField = "intent"
    @Option(help: "Field holding the category (unsupported pairs share it).") var categoryField = "category"
    @Option(help: "Pairs of each label.") var n = 1500
    @Option(help: "Sampling seed.") var seed: UInt64 = 7
    @Option(help: "Characters of each source, as the draft pipeline clips them (0 = whole answers).")
    var sourceCharacters = DraftOptions().sourceCharacters
    @Option(help: "Share of unsupported pairs the chosen threshold must reject.") var minRejected = 0.9

    func run() async throws {
        var evaluation = VerifierEvaluation(data: data, embedder: try EncoderLoader.load())
        evaluation.answerField = answerField
        evaluation.intentField = intentField
        evaluation.categoryField = categoryField
        evaluation.n = n
        evaluation.seed = seed
        evaluation.sourceCharacters = sourceCharacters
        evaluation.minRejected = minRejected
        evaluation.note = { Report.note($0) }
        let output = try evaluation.run()
        let (curve, chosen, best) = (output.curve, output.atChosen, output.bestBalancedAccuracy)
        if global.json { return try Report.json(output) }
        func pct(_ x: Double) -> String { String(format: "%.1f%%", x * 100) }
        var rows = [["threshold", "supported accepted", "unsupported rejected", "balanced accuracy"]]
        for r in curve { rows.append([String(format: "%.3f", r.threshold), pct(r.supportedAccepted), pct(r.unsupportedRejected), pct(r.balancedAccuracy)]) }
        print(Report.table(rows))
        print("\n\(output.pairsPerLabel) pairs of each label. Chosen (lowest rejecting ≥ \(pct(minRejected)) of unsupported): "
              + "\(chosen.threshold), accepting \(pct(chosen.supportedAccepted)) of supported. In use: \(CitationVerifier.defaultThreshold). "
              + "Best balanced accuracy: \(best.threshold) (\(pct(best.balancedAccuracy))).")
    }
}
