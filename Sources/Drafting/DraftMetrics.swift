import Foundation

/// Similarity of a draft to a known agent answer.
public enum DraftMetrics {
    /// ROUGE-L F1 over lower-cased word tokens (longest common subsequence).
    public static func rougeL(_ candidate: String, _ reference: String) -> Double {
        let a = words(candidate), b = words(reference)
        guard !a.isEmpty, !b.isEmpty else { return 0 }
        var previous = [Int](repeating: 0, count: b.count + 1)
        var current = previous
        for x in a {
            for (j, y) in b.enumerated() { current[j + 1] = x == y ? previous[j] + 1 : max(previous[j + 1], current[j]) }
            swap(&previous, &current)
        }
        let lcs = Double(previous[b.count])
        guard lcs > 0 else { return 0 }
        let precision = lcs / Double(a.count), recall = lcs / Double(b.count)
        return 2 * precision * recall / (precision + recall)
    }

    static func words(_ text: String) -> [Substring] {
        text.lowercased().split { !$0.isLetter && !$0.isNumber }
    }
}

extension DraftMetrics {
    /// Word-level Levenshtein distance between a draft and the reply an agent sent, divided by the longer one's
    /// word count: 0 when sent unchanged, 1 when nothing was kept.
    public static func editDistance(_ draft: String, _ final: String) -> Double {
        let a = words(draft), b = words(final)
        guard max(a.count, b.count) > 0 else { return 0 }
        var previous = Array(0...b.count)
        for (i, x) in a.enumerated() {
            var current = [i + 1]
            for (j, y) in b.enumerated() { current.append(min(previous[j + 1] + 1, current[j] + 1, previous[j] + (x == y ? 0 : 1))) }
            previous = current
        }
        return Double(previous[b.count]) / Double(max(a.count, b.count))
    }
}
