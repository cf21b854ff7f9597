import Domain
import Foundation

/// Names a group of texts by the words that set it apart from the reference: the share of the group's texts
/// containing a word, times the word's inverse document frequency in the reference (TF-IDF against it).
public struct DistinctiveTerms: Sendable {
    private let documentFrequency: [String: Int]
    private let referenceCount: Int

    /// Counts in how many reference texts each word occurs.
    public init(reference: [String]) {
        var df: [String: Int] = [:]
        for text in reference { for word in Set(Self.words(text)) { df[word, default: 0] += 1 } }
        documentFrequency = df
        referenceCount = reference.count
    }

    /// The `count` most distinctive words of `texts`, best first (ties by name); words in a single text are ignored.
    public func top(_ texts: [String], count: Int = 5) -> [String] {
        var inGroup: [String: Int] = [:]
        for text in texts { for word in Set(Self.words(text)) { inGroup[word, default: 0] += 1 } }
        let groupSize = Double(max(texts.count, 1)), referenceSize = Double(referenceCount + 1)
        var scored: [(word: String, score: Double)] = []
        for (word, count) in inGroup where count >= 2 || texts.count < 2 {
            let idf = log(referenceSize / Double((documentFrequency[word] ?? 0) + 1)) + 1
            scored.append((word, Double(count) / groupSize * idf))
        }
        scored.sort { $0.score != $1.score ? $0.score > $1.score : $0.word < $1.word }
        return scored.prefix(count).map(\.word)
    }

    /// Lower-cased words of at least three letters that are not stop words.
    static func words(_ text: String) -> [String] {
        text.lowercased().split { !$0.isLetter && $0 != "'" }
            .map { $0.trimmingCharacters(in: CharacterSet(charactersIn: "'")) }
            .filter { $0.count >= 3 && !englishStopWords.contains($0) && !extraStopWords.contains($0) }
    }

    private static let extraStopWords: Set<String> = [
        "not", "there", "their", "they", "them", "been", "will", "would", "could", "should", "just", "still", "get",
        "got", "any", "all", "about", "did", "why", "its", "it's", "i'm", "i've", "don't", "can't", "please", "need",
        "want", "help", "there's", "was", "were", "some", "into", "out", "one", "also", "than", "then", "know",
    ]
}
