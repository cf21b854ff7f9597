import Domain
import Drafting
import Foundation
import Readers

/// Chooses the citation verifier's support threshold on labelled sentence–source pairs built from answers with
/// intents (Bitext: response, intent, category), `n` pairs of each label. Supported: a sentence of one answer cited
/// against another answer to the same intent. Unsupported: the same sentence cited against an answer to a different
/// intent of the same category (a hard case: same vocabulary, other facts). Sources are clipped as the draft
/// pipeline clips them. The chosen threshold is the lowest that rejects at least `minRejected` of the unsupported
/// pairs: a citation wrongly marked supported misleads the agent, one wrongly flagged only costs a look.
public struct VerifierEvaluation: Sendable {
    public var data: String
    public var answerField = "response"
    public var intentField = "intent"
    public var categoryField = "category"
    public var n = 1500
    public var seed: UInt64 = 7
    /// Characters of each source, as the draft pipeline clips them (0 = whole answers).
    public var sourceCharacters = DraftOptions().sourceCharacters
    public var minRejected = 0.9
    public var embedder: any TextEmbedder
    /// Progress for people (standard error).
    public var note: @Sendable (String) -> Void = { _ in }

    public init(data: String, embedder: any TextEmbedder) {
        self.data = data
        self.embedder = embedder
    }

    public struct Row: Encodable, Sendable {
        public var threshold: Double
        public var supportedAccepted: Double
        public var unsupportedRejected: Double
        public var balancedAccuracy: Double
    }


    public struct Result: Encodable, Sendable {
        public var data: String
        public var pairsPerLabel: Int
        public var currentThreshold: Double
        public var chosenThreshold: Double
        public var atCurrent: Row
        public var atChosen: Row
        public var bestBalancedAccuracy: Row
        public var meanSupport: [String: Double]
        public var curve: [Row]
    }

    public func run() throws -> Result {
        let records = try RecordReader(path: data).read(path: data).compactMap { try? $0.get() }
            .filter { !($0.fields[answerField] ?? "").isEmpty && !($0.fields[intentField] ?? "").isEmpty }
        var byIntent: [String: [Int]] = [:]
        for (i, r) in records.enumerated() { byIntent[r.fields[intentField]!, default: []].append(i) }
        guard byIntent.count > 1 else { throw EvaluationError("\(data) needs answers to at least two intents") }
        let verifier = CitationVerifier(embedder: embedder)
        func source(_ i: Int) -> String {
            let answer = records[i].fields[answerField]!
            return sourceCharacters > 0 ? DraftingPipeline.clip(answer, to: sourceCharacters) : answer
        }

        var rng = SeededRandom(seed: seed)
        var supported: [Double] = [], unsupported: [Double] = []
        var attempts = 0
        while supported.count < n, attempts < n * 20 {
            attempts += 1
            let i = Int.random(in: 0..<records.count, using: &rng)
            let r = records[i]
            let sentences = CitedSentence.splitSentences(r.fields[answerField]!).map { $0.trimmingCharacters(in: .whitespaces) }
                .filter { $0.count >= 25 && !$0.contains("{{") && ".!?".contains($0.last!) }
            let sameIntent = byIntent[r.fields[intentField]!]!.filter { $0 != i }
            let otherIntent = records.indices.filter {
                records[$0].fields[categoryField] == r.fields[categoryField] && records[$0].fields[intentField] != r.fields[intentField]
            }
            guard let sentence = sentences.randomElement(using: &rng), let same = sameIntent.randomElement(using: &rng),
                  let other = otherIntent.randomElement(using: &rng) else { continue }
            supported.append(try verifier.support(of: sentence, by: source(same)))
            unsupported.append(try verifier.support(of: sentence, by: source(other)))
            if supported.count % 100 == 0 { note("scored \(supported.count)/\(n) pairs of each label") }
        }
        guard !supported.isEmpty else { throw EvaluationError("no usable pairs in \(data)") }

        func row(_ t: Double) -> Row {
            let accepted = Double(supported.filter { $0 >= t }.count) / Double(supported.count)
            let rejected = Double(unsupported.filter { $0 < t }.count) / Double(unsupported.count)
            return Row(threshold: t, supportedAccepted: accepted, unsupportedRejected: rejected, balancedAccuracy: (accepted + rejected) / 2)
        }
        let curve = stride(from: 0.30, through: 0.901, by: 0.025).map { row(($0 * 1000).rounded() / 1000) }
        let best = curve.max { $0.balancedAccuracy < $1.balancedAccuracy }!
        let chosen = curve.first { $0.unsupportedRejected >= minRejected } ?? curve.last!
        return Result(data: data, pairsPerLabel: supported.count, currentThreshold: CitationVerifier.defaultThreshold,
                            chosenThreshold: chosen.threshold, atCurrent: row(CitationVerifier.defaultThreshold), atChosen: chosen,
                            bestBalancedAccuracy: best,
                            meanSupport: ["supported": supported.reduce(0, +) / Double(supported.count),
                                          "unsupported": unsupported.reduce(0, +) / Double(unsupported.count)],
                            curve: curve)
    }
}
