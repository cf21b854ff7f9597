import Domain
import Drafting
import Foundation
import Search

/// Scores drafts and baseline replies against a reference answer, and sums the scores of one path.
struct DraftScorer {
    let embedder: any TextEmbedder
    let claims: ClaimDetector
    let knowledgeBase: any Retriever
    let verifier: CitationVerifier

    /// One reply's scores.
    struct Row {
        var rougeL: Double
        var cosine: Double
        /// nil for a baseline, which cites nothing.
        var citations: Int?
        var validCitations: Int?
        var sentences: Int
        var supportedSentences: Int?
        var borrowedPromises: Int
        var withheld: Int
        /// Whether it cites (or, for a baseline, is) an article the request's judgement names; nil without one.
        var citesRelevant: Bool?
        var milliseconds: Double?
    }

    /// A draft: scored on its text without citation marks; its borrowed promises are the claims it delivers that
    /// no cited KB passage backs.
    func score(_ draft: Draft, _ item: DraftEvaluation.Case) async throws -> Row {
        let (rouge, cosine) = try similarity(draft.plainText, item.reference)
        let v = draft.verification
        let cited = Set(v.sentences.flatMap(\.citations)).compactMap { n in draft.sources.first { $0.number == n } }
        let articles = Set(cited.filter { $0.kind == .article }.map { String($0.reference.split(separator: "#").first ?? "") })
        return Row(rougeL: rouge, cosine: cosine, citations: v.citations, validCitations: v.validCitations, sentences: v.sentences.count,
                   supportedSentences: v.supportedSentences, borrowedPromises: v.unbackedClaims.count, withheld: draft.withheld.count,
                   citesRelevant: item.relevant.isEmpty ? nil : !articles.isDisjoint(with: item.relevant),
                   milliseconds: draft.timings.totalMs)
    }

    /// The model's own text, checked as the pipeline checks it.
    func score(modelText: String, sources: [DraftSource], _ item: DraftEvaluation.Case) async throws -> Row {
        let v = try verifier.verify(modelText, sources: sources)
        let (rouge, cosine) = try similarity(Draft.withoutCitations(modelText), item.reference)
        return Row(rougeL: rouge, cosine: cosine, citations: v.citations, validCitations: v.validCitations, sentences: v.sentences.count,
                   supportedSentences: v.supportedSentences, borrowedPromises: v.unbackedClaims.count, withheld: 0,
                   citesRelevant: nil, milliseconds: nil)
    }

    /// A baseline reply pasted whole. A KB passage backs its own claims; another text's claims count as borrowed
    /// unless a KB passage supports them.
    func score(baseline text: String, cited: [String], fromKB: Bool, _ item: DraftEvaluation.Case) async throws -> Row {
        let (rouge, cosine) = try similarity(text, item.reference)
        let sentences = CitedSentence.splitSentences(text).map { $0.trimmingCharacters(in: .whitespaces) }
        var borrowed = 0
        if !fromKB {
            for (sentence, claim) in zip(sentences, try claims.claims(sentences)) {
                guard let claim else { continue }
                let passages = try await knowledgeBase.search(sentence, k: 3, filter: SearchFilter())
                let backed = try passages.contains { try verifier.backs(claim, sentence: sentence, article: $0.chunk.text) }
                if !backed { borrowed += 1 }
            }
        }
        return Row(rougeL: rouge, cosine: cosine, citations: nil, validCitations: nil, sentences: sentences.count,
                   supportedSentences: nil, borrowedPromises: borrowed, withheld: 0,
                   citesRelevant: item.relevant.isEmpty ? nil : !Set(cited).isDisjoint(with: item.relevant), milliseconds: nil)
    }

    func similarity(_ text: String, _ reference: String) throws -> (Double, Double) {
        guard !text.isEmpty else { return (0, 0) }
        let vectors = try embedder.embed([text, reference])
        return (DraftMetrics.rougeL(text, reference), Double(dot(vectors[0], vectors[1])))
    }

    static func summarise(_ path: String, _ rows: [Row], of total: Int) -> PathScores {
        func mean(_ values: [Double]) -> Double { values.isEmpty ? 0 : values.reduce(0, +) / Double(values.count) }
        let citations = rows.compactMap(\.citations).reduce(0, +), valid = rows.compactMap(\.validCitations).reduce(0, +)
        let drafts = rows.allSatisfy { $0.citations != nil }
        let relevant = rows.compactMap(\.citesRelevant)
        let times = rows.compactMap(\.milliseconds)
        return PathScores(
            path: path, n: rows.count, share: Double(rows.count) / Double(max(1, total)),
            rougeL: mean(rows.map(\.rougeL)), cosine: mean(rows.map(\.cosine)),
            citationValidity: drafts ? (citations == 0 ? 1 : Double(valid) / Double(citations)) : nil, citations: drafts ? citations : nil,
            supportedSentenceRate: drafts ? Double(rows.compactMap(\.supportedSentences).reduce(0, +)) / Double(max(1, rows.map(\.sentences).reduce(0, +))) : nil,
            borrowedPromises: rows.map(\.borrowedPromises).reduce(0, +), repliesWithBorrowedPromise: rows.filter { $0.borrowedPromises > 0 }.count,
            withheldSentences: rows.map(\.withheld).reduce(0, +),
            citesRelevant: relevant.isEmpty ? nil : Double(relevant.filter { $0 }.count) / Double(relevant.count),
            timeMs: times.isEmpty ? nil : Percentiles(times))
    }
}

/// One path's summary in the draft evaluation.
public struct PathScores: Encodable, Sendable {
    public var path: String
    public var n: Int
    /// Share of the requests the path covers.
    public var share: Double
    public var rougeL: Double
    public var cosine: Double
    public var citationValidity: Double?
    public var citations: Int?
    /// Supported sentences of all delivered sentences (uncited ones count as not supported).
    public var supportedSentenceRate: Double?
    /// Sentences reporting an action or making a commitment no KB passage backs, and the replies holding any.
    public var borrowedPromises: Int
    public var repliesWithBorrowedPromise: Int
    public var withheldSentences: Int
    public var citesRelevant: Double?
    public var timeMs: Percentiles?
}
