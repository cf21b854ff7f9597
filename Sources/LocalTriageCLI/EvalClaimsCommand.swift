import ArgumentParser
import Evaluation
import Foundation
import Store

/// `localtriage eval claims`: the claim detector (reports and commitments) on a labelled held-out set, beside a
/// keyword list.
struct EvalClaimsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "claims",
        abstract: "Score the claim detector (sentences that report an action or make a commitment) on labelled sentences.",
        discussion: """
            Reads JSONL sentences {"text", "label": report | commitment | none} (eval/claims.jsonl: written apart from the \
            detector's training set, with paraphrases and near-misses). Reports precision, recall and F1 of "makes a \
            claim" (report or commitment) and per label, beside the keyword list the verifier used before (refund, \
            credit, compensation, discount, waive, free of charge, money back), with n and every miss in --details.
            """
    )

    @OptionGroup var global: GlobalOptions
    @Option(help: "Labelled sentences (JSONL).") var data = "eval/claims.jsonl"
    @Option(help: "Write every sentence with its label and both systems' verdicts to this JSONL file.") var details: String?

    func run() async throws {
        let output = try ClaimEvaluation(data: data, embedder: try EncoderLoader.load()).run()
        if let details {
            let lines = try output.sentences.map { String(decoding: try JSONEncoder.sorted.encode($0), as: UTF8.self) }
            try (lines.joined(separator: "\n") + "\n").write(toFile: details, atomically: true, encoding: .utf8)
        }
        let (scores, baseline) = (output.detector, output.keywordBaseline)
        if global.json { return try Report.json(output) }
        func row(_ name: String, _ s: ClaimEvaluation.Scores) -> [String] {
            [name, String(s.n), String(format: "%.3f", s.precision), String(format: "%.3f", s.recall), String(format: "%.3f", s.f1),
             "\(s.falsePositives) / \(s.falseNegatives)"]
        }
        print("\(data): \(output.n) sentences \(output.labels.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")); "
            + "detector trained on \(output.trainingSentences) others")
        print(Report.table([["system", "n", "precision", "recall", "F1", "false + / −"]]
            + ["claim (report or commitment)", "report", "commitment"].map { row("detector: \($0)", scores[$0]!) }
            + [row("keyword list: claim", baseline)]))
    }
}
