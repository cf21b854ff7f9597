import Domain
import Foundation

/// Builds FTS5 MATCH expressions from free text: every word quoted (so user text can never be FTS syntax),
/// joined by OR; very common English words are dropped unless nothing else is left.
enum FTSQuery {
    /// The MATCH expression, or nil when the text holds no word; `allWords` requires every word (a filter),
    /// otherwise any word ranks (a search).
    static func match(for text: String, allWords: Bool = false) -> String? {
        var seen = Set<String>()
        let words = text.lowercased()
            .split(whereSeparator: { !($0.isLetter || $0.isNumber) })
            .map(String.init)
            .filter { seen.insert($0).inserted }
        let content = words.filter { !englishStopWords.contains($0) }
        let terms = content.isEmpty ? words : content
        guard !terms.isEmpty else { return nil }
        return terms.map { "\"\($0)\"" }.joined(separator: allWords ? " AND " : " OR ")
    }
}
