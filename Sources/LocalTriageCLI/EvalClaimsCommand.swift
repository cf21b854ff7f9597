import ArgumentParser
import Drafting
import Foundation

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

    struct Scores: Encodable {
        var n: Int
        var truePositives: Int
        var falsePositives: Int
        var falseNegatives: Int
        var precision: Double
        var recall: Double
        var f1: Double

        init(_ pairs: [(predicted: Bool, actual: Bool)]) {
            n = pairs.count
            truePositives = pairs.filter { $0.predicted && $0.actual }.count
            falsePositives = pairs.filter { $0.predicted && !$0.actual }.count
            falseNegatives = pairs.filter { !$0.predicted && $0.actual }.count
            precision = truePositives + falsePositives == 0 ? 0 : Double(truePositives) / Double(truePositives + falsePositives)
            recall = truePositives + falseNegatives == 0 ? 0 : Double(truePositives) / Double(truePositives + falseNegatives)
            f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall)
        }
    }

    struct Output: Encodable {
        var data: String
        var n: Int
        var labels: [String: Int]
        var detector: [String: Scores]
        var keywordBaseline: Scores
        var trainingSentences: Int
    }

    /// The verifier's earlier check: a list of money words.
    static func keywordClaim(_ text: String) -> Bool {
        text.range(of: #"\b(refund|reimburs|credit|compensat|discount|waive|free (month|year|service|of charge)|money back)"#,
                   options: [.regularExpression, .caseInsensitive]) != nil
    }

    func run() async throws {
        let examples = try ClaimDetector.examples(at: URL(fileURLWithPath: data))
        guard !examples.isEmpty else { throw ValidationError("no sentences in \(data)") }
        let encoder = try EncoderLoader.load()
        let training = try ClaimDetector.examples(at: try ClaimDetector.trainingSetURL)
        let overlap = Set(training.map(\.text)).intersection(examples.map(\.text))
        guard overlap.isEmpty else { throw ValidationError("\(overlap.count) sentences of \(data) are in the training set") }
        let detector = try ClaimDetector.shared(embedder: encoder)
        let found = try detector.claims(examples.map(\.text))
        var scores: [String: Scores] = [
            "claim (report or commitment)": Scores(zip(examples, found).map { ($1 != nil, $0.label != "none") }),
        ]
        for label in ["report", "commitment"] {
            scores[label] = Scores(zip(examples, found).map { ($1?.kind.rawValue == label, $0.label == label) })
        }
        let baseline = Scores(examples.map { (Self.keywordClaim($0.text), $0.label != "none") })
        if let details {
            let lines = try zip(examples, found).map { example, claim in
                String(decoding: try JSONSerialization.data(withJSONObject: [
                    "text": example.text, "label": example.label, "detector": claim?.kind.rawValue ?? "none",
                    "probability": claim?.probability ?? 0, "keywords": Self.keywordClaim(example.text),
                ], options: [.sortedKeys]), as: UTF8.self)
            }
            try (lines.joined(separator: "\n") + "\n").write(toFile: details, atomically: true, encoding: .utf8)
        }
        let output = Output(data: data, n: examples.count, labels: Dictionary(grouping: examples, by: \.label).mapValues(\.count),
                            detector: scores, keywordBaseline: baseline, trainingSentences: training.count)
        if global.json { return try Report.json(output) }
        func row(_ name: String, _ s: Scores) -> [String] {
            [name, String(s.n), String(format: "%.3f", s.precision), String(format: "%.3f", s.recall), String(format: "%.3f", s.f1),
             "\(s.falsePositives) / \(s.falseNegatives)"]
        }
        print("\(data): \(examples.count) sentences \(output.labels.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")); "
            + "detector trained on \(training.count) others")
        print(Report.table([["system", "n", "precision", "recall", "F1", "false + / −"]]
            + ["claim (report or commitment)", "report", "commitment"].map { row("detector: \($0)", scores[$0]!) }
            + [row("keyword list: claim", baseline)]))
    }
}
