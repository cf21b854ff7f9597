import Domain
import Foundation
import NIOConcurrencyHelpers
import Routing

/// What a sentence tells the customer was done for them, or promises them.
public struct Claim: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable {
        /// Reports something already done on our side: "we refunded the charge", "your account has been unlocked".
        case report
        /// Promises or offers something: money back, a credit, a deadline, an escalation, a callback.
        case commitment
    }

    public var kind: Kind
    /// The detector's probability that the sentence makes a claim of either kind.
    public var probability: Double
}

/// Finds the sentences of a reply that report an action or make a commitment — judged by meaning, not by a list of
/// words: a classifier (word and character n-grams with the sentence's MiniLM embedding, the router's model)
/// trained on a labelled set of support sentences written for it (`Resources/claims.jsonl`, reports and
/// commitments beside their near-misses: policy worded as policy, instructions, the customer's own actions).
/// Such a sentence is stated to a customer only when a knowledge-base passage backs it; one copied from another
/// customer's ticket is a borrowed promise.
public struct ClaimDetector: Sendable {
    public let classifier: Routing.Router
    public let embedder: any TextEmbedder
    /// A sentence whose probability of a claim reaches this is one.
    public var threshold: Double

    static let labels = ["commitment", "none", "report"]

    public init(classifier: Routing.Router, embedder: any TextEmbedder, threshold: Double = 0.5) {
        self.classifier = classifier
        self.embedder = embedder
        self.threshold = threshold
    }

    /// The claim each sentence makes, nil for one that makes none.
    public func claims(_ sentences: [String]) throws -> [Claim?] {
        guard !sentences.isEmpty else { return [] }
        let vectors = try embedder.embed(sentences)
        return zip(sentences, vectors).map { sentence, vector in
            let top = classifier.route(sentence, embedding: vector).top
            func p(_ label: String) -> Double { top.first { $0.label == label }?.probability ?? 0 }
            let claim = p("report") + p("commitment")
            guard claim >= threshold else { return nil }
            return Claim(kind: p("report") >= p("commitment") ? .report : .commitment, probability: claim)
        }
    }

    /// Labelled sentences: `{"text", "label": report | commitment | none}` per line.
    public struct Example: Codable, Sendable {
        public var text: String
        public var label: String
        public var kind: String?
    }

    public static func examples(at url: URL) throws -> [Example] {
        try String(contentsOf: url, encoding: .utf8).split(whereSeparator: \.isNewline).map {
            try JSONDecoder().decode(Example.self, from: Data($0.utf8))
        }
    }

    /// The bundled training set.
    public static var trainingSetURL: URL {
        get throws {
            guard let url = Bundle.module.url(forResource: "claims", withExtension: "jsonl") else {
                throw DraftingError("the claim detector's training set is missing from the bundle")
            }
            return url
        }
    }

    /// Trains on `examples` (the bundled set by default).
    public static func train(embedder: any TextEmbedder, examples: [Example]? = nil) throws -> ClaimDetector {
        let examples = try examples ?? Self.examples(at: trainingSetURL)
        // The detector reads the class probabilities only: no abstaining, no familiarity check, no centroid blend,
        // and one held-out split (it is trained at start-up, where five folds would cost five fits).
        var options = RouterOptions()
        options.abstainBelow = 0
        options.detectUnfamiliar = false
        options.centroidWeights = [0]
        options.crossValidateBelow = 0
        let router = try Routing.Router.train(examples.map { RoutingExample(text: $0.text, category: $0.label, priority: nil) },
                                             options: options, embed: { try embedder.embed($0) })
        return ClaimDetector(classifier: router, embedder: embedder)
    }

    /// One detector per process and embedding model, trained from the bundled set on first use (a second or two).
    public static func shared(embedder: any TextEmbedder) throws -> ClaimDetector {
        if let cached = cache.withLockedValue({ $0[embedder.identity.key] }) { return cached }
        let trained = try train(embedder: embedder)
        cache.withLockedValue { $0[embedder.identity.key] = trained }
        return trained
    }

    private static let cache = NIOLockedValueBox<[String: ClaimDetector]>([:])
}

/// A drafting failure with a message for people.
public struct DraftingError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
