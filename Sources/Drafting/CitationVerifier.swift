import Domain
import Foundation
import Search

/// What the verifier found for one sentence of a draft.
public struct SentenceCheck: Codable, Sendable, Equatable {
    public var text: String
    public var citations: [Int]
    /// Cited numbers that name no provided source.
    public var invalidCitations: [Int]
    /// Support by the best cited source: `0.5 · lexical + 0.5 · cosine`, nil for an uncited sentence.
    public var support: Double?
    /// nil for an uncited sentence; false when no cited source supports it (flagged, not hidden).
    public var supported: Bool?
    /// Links in the sentence that appear in no source (a draft must not invent where to send a customer).
    public var unknownLinks: [String]
}

/// The verdict on a whole draft.
public struct Verification: Codable, Sendable, Equatable {
    public var sentences: [SentenceCheck]
    public var citations: Int
    public var validCitations: Int
    public var citedSentences: Int
    public var supportedSentences: Int
    public var threshold: Double

    /// Share of citations naming a provided source (1 when there are none).
    public var citationValidity: Double { citations == 0 ? 1 : Double(validCitations) / Double(citations) }
    /// Share of cited sentences that their sources support (0 when nothing is cited).
    public var supportedRate: Double { citedSentences == 0 ? 0 : Double(supportedSentences) / Double(citedSentences) }
    public var unsupportedSentences: Int { citedSentences - supportedSentences }
    public var uncitedSentences: Int { sentences.count - citedSentences }
    public var unknownLinks: [String] { sentences.flatMap(\.unknownLinks) }
    /// Sentences that promise money or a concession (refund, credit, compensation…) without a source supporting
    /// them: the classic outcome of a prompt injection, never delivered.
    public var unbackedCommitments: [String] {
        sentences.filter { $0.supported != true && CitationVerifier.promisesConcession($0.text) }.map(\.text)
    }

    /// Grounded enough to hand to an agent: something is cited, every citation is valid, most cited sentences
    /// are supported, no link comes from outside the sources, and nothing is promised that no source backs.
    public var isGrounded: Bool {
        citedSentences > 0 && validCitations == citations && supportedRate >= 0.5 && unknownLinks.isEmpty
            && unbackedCommitments.isEmpty
    }
}

/// Checks every citation of a draft against the text it cites: the cited number must name a provided source, and
/// the sentence must be supported by that source — lexical overlap (share of the sentence's stemmed content words
/// found in the source) blended with embedding similarity (best cosine between the sentence and the source's
/// sentences). The threshold is chosen on data (`eval verifier`).
public struct CitationVerifier: Sendable {
    /// Support at or above this counts as supported; chosen on Bitext with `eval verifier` (see README).
    public static let defaultThreshold = 0.55
    public let embedder: any TextEmbedder
    public var threshold: Double
    private let analyzer = KeywordAnalyzer()

    public init(embedder: any TextEmbedder, threshold: Double = CitationVerifier.defaultThreshold) {
        self.embedder = embedder
        self.threshold = threshold
    }

    public func verify(_ draft: String, sources: [DraftSource]) throws -> Verification {
        let parsed = CitedSentence.parse(draft)
        let byNumber = Dictionary(sources.map { ($0.number, $0) }, uniquingKeysWith: { a, _ in a })
        let sourceLinks = Set(sources.flatMap { Self.links(in: $0.text) })
        let citedNumbers = Set(parsed.flatMap(\.citations)).filter { byNumber[$0] != nil }
        let sourceSentences = Dictionary(uniqueKeysWithValues: citedNumbers.map { n in
            (n, CitedSentence.splitSentences(byNumber[n]!.text).map { $0.trimmingCharacters(in: .whitespaces) })
        })
        // One batch: cited draft sentences, then every sentence of every cited source.
        let draftTexts = parsed.filter { !$0.citations.isEmpty }.map(\.text)
        let orderedSources = citedNumbers.sorted()
        let vectors = try embedder.embed(draftTexts + orderedSources.flatMap { sourceSentences[$0]! })
        var offset = draftTexts.count
        var sourceVectors: [Int: ArraySlice<[Float]>] = [:]
        for n in orderedSources {
            let count = sourceSentences[n]!.count
            sourceVectors[n] = vectors[offset..<(offset + count)]
            offset += count
        }
        var draftIndex = 0
        var checks: [SentenceCheck] = []
        for sentence in parsed {
            let invalid = sentence.citations.filter { byNumber[$0] == nil }
            let links = Self.links(in: sentence.text).filter { !sourceLinks.contains($0) }
            guard !sentence.citations.isEmpty else {
                checks.append(SentenceCheck(text: sentence.text, citations: [], invalidCitations: [], support: nil,
                                            supported: nil, unknownLinks: links))
                continue
            }
            let vector = vectors[draftIndex]
            draftIndex += 1
            var best = 0.0
            for n in sentence.citations where byNumber[n] != nil {
                let lexical = lexicalOverlap(sentence.text, byNumber[n]!.text)
                let cosine = sourceVectors[n]!.map { Double(dot(vector, $0)) }.max() ?? 0
                best = max(best, Self.support(lexical: lexical, cosine: cosine))
            }
            checks.append(SentenceCheck(text: sentence.text, citations: sentence.citations, invalidCitations: invalid,
                                        support: best, supported: invalid.count < sentence.citations.count && best >= threshold,
                                        unknownLinks: links))
        }
        let citations = checks.reduce(0) { $0 + $1.citations.count }
        let invalid = checks.reduce(0) { $0 + $1.invalidCitations.count }
        return Verification(sentences: checks, citations: citations, validCitations: citations - invalid,
                            citedSentences: checks.filter { !$0.citations.isEmpty }.count,
                            supportedSentences: checks.filter { $0.supported == true }.count, threshold: threshold)
    }

    /// How well `source` supports `sentence` (the score `verify` compares with the threshold).
    public func support(of sentence: String, by source: String) throws -> Double {
        let sourceSentences = CitedSentence.splitSentences(source).map { $0.trimmingCharacters(in: .whitespaces) }
        let vectors = try embedder.embed([sentence] + sourceSentences)
        let cosine = vectors.dropFirst().map { Double(dot(vectors[0], $0)) }.max() ?? 0
        return Self.support(lexical: lexicalOverlap(sentence, source), cosine: cosine)
    }

    /// Share of the sentence's stemmed content words that occur in the source.
    func lexicalOverlap(_ sentence: String, _ source: String) -> Double {
        let terms = Set(analyzer.terms(sentence))
        return terms.isEmpty ? 0 : Double(terms.intersection(analyzer.terms(source)).count) / Double(terms.count)
    }

    /// The blended support score.
    public static func support(lexical: Double, cosine: Double) -> Double { 0.5 * lexical + 0.5 * cosine }

    /// Whether a sentence offers a refund, credit, compensation, discount or something free.
    static func promisesConcession(_ text: String) -> Bool {
        text.range(of: #"\b(refund|reimburs|credit|compensat|discount|waive|free (month|year|service|of charge)|money back)"#,
                   options: [.regularExpression, .caseInsensitive]) != nil
    }

    /// `http(s)://…` and `www.…` links, without trailing punctuation.
    static func links(in text: String) -> [String] {
        text.split(whereSeparator: { $0.isWhitespace || $0 == "(" || $0 == ")" || $0 == "<" || $0 == ">" })
            .map { $0.trimmingCharacters(in: CharacterSet(charactersIn: ".,;:!?\"'")) }
            .filter { $0.lowercased().hasPrefix("http://") || $0.lowercased().hasPrefix("https://") || $0.lowercased().hasPrefix("www.") }
            .map { $0.lowercased() }
    }
}
