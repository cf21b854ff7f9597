import Domain
import Drafting
import Foundation

/// The claim detector (sentences that report an action or make a commitment) on labelled held-out sentences
/// (JSONL {"text", "label": report | commitment | none}, written apart from the detector's training set), beside
/// the keyword list the verifier used before: precision, recall and F1 of "makes a claim" and per label, with n.
public struct ClaimEvaluation: Sendable {
    public var data: String
    public var embedder: any TextEmbedder

    public init(data: String, embedder: any TextEmbedder) {
        self.data = data
        self.embedder = embedder
    }

    public struct Scores: Encodable, Sendable {
        public var n: Int
        public var truePositives: Int
        public var falsePositives: Int
        public var falseNegatives: Int
        public var precision: Double
        public var recall: Double
        public var f1: Double

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

    public struct Result: Encodable, Sendable {
        public var data: String
        public var n: Int
        public var labels: [String: Int]
        public var detector: [String: Scores]
        public var keywordBaseline: Scores
        public var trainingSentences: Int
        /// Every sentence with its label and both systems' verdicts (not in the encoded report).
        public var sentences: [Sentence]

        enum CodingKeys: String, CodingKey { case data, n, labels, detector, keywordBaseline, trainingSentences }
    }

    /// One labelled sentence and what each system said of it.
    public struct Sentence: Encodable, Sendable {
        public var text: String
        public var label: String
        public var detector: String
        public var probability: Double
        public var keywords: Bool
    }

    /// The verifier's earlier check: a list of money words.
    public static func keywordClaim(_ text: String) -> Bool {
        text.range(of: #"\b(refund|reimburs|credit|compensat|discount|waive|free (month|year|service|of charge)|money back)"#,
                   options: [.regularExpression, .caseInsensitive]) != nil
    }

    public func run() throws -> Result {
        let examples = try ClaimDetector.examples(at: URL(fileURLWithPath: data))
        guard !examples.isEmpty else { throw EvaluationError("no sentences in \(data)") }
        let training = try ClaimDetector.examples(at: try ClaimDetector.trainingSetURL)
        let overlap = Set(training.map(\.text)).intersection(examples.map(\.text))
        guard overlap.isEmpty else { throw EvaluationError("\(overlap.count) sentences of \(data) are in the training set") }
        let detector = try ClaimDetector.shared(embedder: embedder)
        let found = try detector.claims(examples.map(\.text))
        var scores: [String: Scores] = [
            "claim (report or commitment)": Scores(zip(examples, found).map { ($1 != nil, $0.label != "none") }),
        ]
        for label in ["report", "commitment"] {
            scores[label] = Scores(zip(examples, found).map { ($1?.kind.rawValue == label, $0.label == label) })
        }
        let baseline = Scores(examples.map { (Self.keywordClaim($0.text), $0.label != "none") })
        let sentences = zip(examples, found).map { example, claim in
            Sentence(text: example.text, label: example.label, detector: claim?.kind.rawValue ?? "none",
                     probability: claim.map { Double($0.probability) } ?? 0, keywords: Self.keywordClaim(example.text))
        }
        return Result(data: data, n: examples.count, labels: Dictionary(grouping: examples, by: \.label).mapValues(\.count),
                      detector: scores, keywordBaseline: baseline, trainingSentences: training.count, sentences: sentences)
    }
}
