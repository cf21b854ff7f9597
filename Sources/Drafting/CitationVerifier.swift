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
    /// What the sentence reports was done or promises, if anything (nil when no claim detector was given).
    public var claim: Claim?
    /// For a claim: whether a knowledge-base passage it cites supports it. An unbacked claim is never delivered.
    public var backed: Bool?
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
    /// Sentences that report an action or make a commitment no knowledge-base passage backs: a promise borrowed
    /// from another customer's ticket, or the outcome of a prompt injection. Never delivered.
    public var unbackedClaims: [String] { sentences.filter { $0.backed == false }.map(\.text) }

    /// Grounded enough to hand to an agent: something is cited, every citation is valid, most cited sentences
    /// are supported, no link comes from outside the sources, and nothing is claimed that no policy backs.
    public var isGrounded: Bool {
        citedSentences > 0 && validCitations == citations && supportedRate >= 0.5 && unknownLinks.isEmpty
            && unbackedClaims.isEmpty
    }
}

/// Checks every citation of a draft against the text it cites: the cited number must name a provided source, and
/// the sentence must be supported by that source — lexical overlap (share of the sentence's stemmed content words
/// found in the source) blended with embedding similarity (best cosine between the sentence and the source's
/// sentences). The threshold is chosen on data (`eval verifier`). With a claim detector, a sentence that reports
/// an action or makes a commitment must be supported by a knowledge-base article it cites.
public struct CitationVerifier: Sendable {
    /// Support at or above this counts as supported; chosen on Bitext with `eval verifier` (see README).
    public static let defaultThreshold = 0.55
    public let embedder: any TextEmbedder
    public let claims: ClaimDetector?
    public var threshold: Double
    private let analyzer = KeywordAnalyzer()

    public init(embedder: any TextEmbedder, claims: ClaimDetector? = nil, threshold: Double = CitationVerifier.defaultThreshold) {
        self.embedder = embedder
        self.claims = claims
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
        let claimed = try claims?.claims(parsed.map(\.text)) ?? Array(repeating: nil, count: parsed.count)
        var draftIndex = 0
        var checks: [SentenceCheck] = []
        for (sentence, claim) in zip(parsed, claimed) {
            let invalid = sentence.citations.filter { byNumber[$0] == nil }
            let links = Self.links(in: sentence.text).filter { !sourceLinks.contains($0) }
            guard !sentence.citations.isEmpty else {
                checks.append(SentenceCheck(text: sentence.text, citations: [], invalidCitations: [], support: nil,
                                            supported: nil, unknownLinks: links, claim: claim, backed: claim.map { _ in false }))
                continue
            }
            let vector = vectors[draftIndex]
            draftIndex += 1
            var best = 0.0, backed = false
            for n in sentence.citations where byNumber[n] != nil {
                let lexical = lexicalOverlap(sentence.text, byNumber[n]!.text)
                let cosine = sourceVectors[n]!.map { Double(dot(vector, $0)) }.max() ?? 0
                best = max(best, Self.support(lexical: lexical, cosine: cosine))
                if let claim, byNumber[n]!.kind == .article, Self.backs(claim, lexical: lexical, cosine: cosine) { backed = true }
            }
            checks.append(SentenceCheck(text: sentence.text, citations: sentence.citations, invalidCitations: invalid,
                                        support: best, supported: invalid.count < sentence.citations.count && best >= threshold,
                                        unknownLinks: links, claim: claim, backed: claim.map { _ in backed }))
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

    /// Support from which a knowledge-base article backs a commitment: stricter than a citation's, since a promise
    /// must be worded as the policy that makes it.
    public static let policySupport = 0.75

    /// Whether an article backs a claim: a report only as the article's own sentence (what was done for one
    /// customer is never restated from a policy), a commitment when the article supports it at `policySupport`.
    public static func backs(_ claim: Claim, lexical: Double, cosine: Double) -> Bool {
        switch claim.kind {
        case .report: lexical >= 0.9 && cosine >= 0.9
        case .commitment: support(lexical: lexical, cosine: cosine) >= policySupport
        }
    }

    /// Whether `article` backs the claim `sentence` makes.
    public func backs(_ claim: Claim, sentence: String, article: String) throws -> Bool {
        let sourceSentences = CitedSentence.splitSentences(article).map { $0.trimmingCharacters(in: .whitespaces) }
        let vectors = try embedder.embed([sentence] + sourceSentences)
        let cosine = vectors.dropFirst().map { Double(dot(vectors[0], $0)) }.max() ?? 0
        return Self.backs(claim, lexical: lexicalOverlap(sentence, article), cosine: cosine)
    }

    /// Share of the sentence's stemmed content words that occur in the source.
    func lexicalOverlap(_ sentence: String, _ source: String) -> Double {
        let terms = Set(analyzer.terms(sentence))
        return terms.isEmpty ? 0 : Double(terms.intersection(analyzer.terms(source)).count) / Double(terms.count)
    }

    /// The blended support score.
    public static func support(lexical: Double, cosine: Double) -> Double { 0.5 * lexical + 0.5 * cosine }

    /// Links without trailing punctuation: `http(s)://…`, `www.…`, and host names written without a scheme
    /// (`refunds-claim.example/form`, `orbitask-help.com`) — a customer can type those too.
    static func links(in text: String) -> [String] {
        text.split(whereSeparator: { $0.isWhitespace || $0 == "(" || $0 == ")" || $0 == "<" || $0 == ">" })
            .map { $0.trimmingCharacters(in: CharacterSet(charactersIn: ".,;:!?\"'")).lowercased() }
            .filter { $0.hasPrefix("http://") || $0.hasPrefix("https://") || $0.hasPrefix("www.") || isHostName($0) }
    }

    /// `name.tld` or `name.tld/path`, where the last label of the host is a letters-only top-level domain.
    static func isHostName(_ token: String) -> Bool {
        let host = token.split(separator: "/", maxSplits: 1).first.map(String.init) ?? token
        let labels = host.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2, labels.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" } }),
              let tld = labels.last, (2...24).contains(tld.count), tld.allSatisfy(\.isLetter), !token.contains("@") else { return false }
        // A path, or a top-level domain that is one: "file.csv" and "e.g" are not links.
        return token.contains("/") || knownTopLevelDomains.contains(String(tld))
    }

    static let knownTopLevelDomains: Set<String> = [
        "com", "net", "org", "io", "co", "app", "dev", "info", "biz", "me", "ly", "xyz", "site", "online", "link", "example",
        "ai", "us", "uk", "de", "fr", "es", "it", "nl", "eu", "ru", "cn", "in", "br", "au", "ca", "jp", "pl", "se", "ch",
    ]
}
