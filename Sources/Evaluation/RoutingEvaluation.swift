import Domain
import Foundation
import Lifecycle
import Routing

/// A trained router on labelled data: accuracy, macro-F1, per class, confusion, P1 recall/precision, abstention,
/// with bootstrap intervals, beside baselines trained on the router's own training data (majority class; plain
/// word TF-IDF + LR). Rows labelled `outOfScopeLabel` belong to no category: abstaining on them is correct, and
/// they are scored apart (the per-category metrics cover in-scope rows only).
public struct RoutingEvaluation: Sendable {
    public var loaded: RouterArtifact.Loaded
    /// The rows, and the data's name in the report.
    public var all: [RoutingExample]
    public var data: String
    /// The fields the router's training data is read with (for the baselines).
    public var fields: (text: String, label: String, priority: String)
    public var outOfScopeLabel = "out_of_scope"
    /// The encoder, for a router that uses embeddings (its identity is checked against the router's).
    public var encoder: (any TextEmbedder)?

    public init(loaded: RouterArtifact.Loaded, rows: [RoutingExample], data: String,
                fields: (text: String, label: String, priority: String), encoder: (any TextEmbedder)?) {
        self.loaded = loaded
        self.all = rows
        self.data = data
        self.fields = fields
        self.encoder = encoder
    }

    /// How the router treats rows of no category.
    public struct OutOfScopeScores: Encodable, Sendable {
        public var label: String
        public var n: Int
        /// Share of out-of-scope rows abstained on.
        public var recall: Double
        /// Over all rows: in-scope rows routed to their category, out-of-scope rows abstained on.
        public var accuracy: Double
        public var allRows: Int
    }

    public struct Result: Encodable, Sendable {
        public var model: String
        public var data: String
        /// In-scope rows only when the data has out-of-scope rows.
        public var router: RouterEvaluation
        public var outOfScope: OutOfScopeScores?
        public var baselines: [String: RouterEvaluation]
        /// Each row's prediction, in order (not in the encoded report: `eval router --details` writes them apart).
        public var details: [Detail]

        enum CodingKeys: String, CodingKey { case model, data, router, outOfScope, baselines }
    }

    /// One row's prediction.
    public struct Detail: Encodable, Sendable {
        public var row: Int
        public var text: String
        public var label: String
        public var outOfScope: Bool
        public var suggested: String
        public var routed: String?
        public var confidence: Double
        public var abstained: Bool
        public var abstainReason: String?
        public var familiarity: Double?
        public var correct: Bool
    }

    public func run() throws -> Result {
        let version = loaded.version
        let allDecisions = try Self.route(loaded, all.map(\.text), encoder: encoder)
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
        let details = all.indices.map { i in
            let d = allDecisions[i]
            return Detail(row: i + 1, text: all[i].text, label: all[i].category, outOfScope: all[i].category == outOfScopeLabel,
                          suggested: d.suggestedCategory, routed: d.category, confidence: d.confidence, abstained: d.abstained,
                          abstainReason: d.abstainReason?.rawValue, familiarity: d.familiarity, correct: correct[i])
        }
        guard !examples.isEmpty else { throw EvaluationError("every row of \(data) is labelled \(outOfScopeLabel)") }
        let evaluation = RouterEvaluation.evaluate(
            truth: examples.map(\.category), predicted: decisions.map(\.suggestedCategory),
            confidence: decisions.map(\.confidence), abstained: decisions.map(\.abstained),
            truthPriority: examples.map(\.priority), predictedPriority: decisions.map(\.priority))

        // Baselines trained on the router's own training data.
        var baselines: [String: RouterEvaluation] = [:]
        let manifest = try RouterArtifact.manifest(at: loaded.directory)
        if let training = try? RoutingDataset.read(path: manifest.trainingData, textField: fields.text,
                                                   labelField: fields.label, priorityField: fields.priority).examples {
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
        return Result(model: version, data: data, router: evaluation, outOfScope: outOfScope, baselines: baselines,
                      details: details)
    }

    /// Routes every text; a router trained with another embedder is refused with the model it needs.
    public static func route(_ loaded: RouterArtifact.Loaded, _ texts: [String], encoder: (any TextEmbedder)?) throws -> [RoutingDecision] {
        let router = loaded.router
        let encoder = router.usesEmbeddings ? encoder : nil
        try loaded.requireEmbedder(encoder?.identity)
        let embeddings = try encoder?.embed(texts)
        return try texts.indices.map { try router.checkedRoute(texts[$0], embedding: embeddings?[$0]) }
    }
}
