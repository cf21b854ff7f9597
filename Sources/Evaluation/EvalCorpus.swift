import Domain
import Foundation
import Monitoring

/// A labelled data set embedded once per evaluation run, and the seeded draws the drift and theme
/// evaluations make from it.
public struct EvalCorpus: Sendable {
    public var texts: [String]
    public var categories: [String]
    public var embeddings: [[Float]]

    /// Reads labelled rows (rows without a text or label are left out) and embeds them with the in-process encoder.
    public static func load(path: String, textField: String, labelField: String, embedder: any TextEmbedder,
                            note: (String) -> Void = { _ in }) throws -> EvalCorpus {
        let rows = try MonitorRows(path: path, textField: textField, labelField: labelField, priorityField: "")
        let kept = rows.texts.indices.filter { !TextChecks.isEmpty(rows.texts[$0]) && rows.categories[$0] != nil }
        guard kept.count >= 100 else { throw EvaluationError("\(path) has \(kept.count) labelled rows; need 100+") }
        let texts = kept.map { rows.texts[$0] }
        let started = ContinuousClock.now
        let embeddings = try embedder.embed(texts)
        note("embedded \(texts.count) texts in \(String(format: "%.1f", (ContinuousClock.now - started).seconds)) s")
        return EvalCorpus(texts: texts, categories: kept.map { rows.categories[$0]! }, embeddings: embeddings)
    }

    public var labels: [String] { Array(Set(categories)).sorted() }

    /// `count` row indices from `pool` whose category mix follows `weights` (category → relative weight; a
    /// missing category weighs 1 × its share of the pool), each category drawn without replacement while it
    /// lasts, then with replacement. Returns the indices and how many were repeats.
    public func draw(_ count: Int, from pool: [Int], weights: [String: Double], using random: inout SeededRandom) -> (indices: [Int], repeats: Int) {
        let byCategory = Dictionary(grouping: pool, by: { categories[$0] })
        let mass = byCategory.mapValues { Double($0.count) }.map { ($0.key, $0.value * (weights[$0.key] ?? 1)) }
            .sorted { $0.0 < $1.0 }
        let total = mass.reduce(0) { $0 + $1.1 }
        var indices: [Int] = [], repeats = 0
        for (category, m) in mass where m > 0 {
            let want = Int((Double(count) * m / total).rounded())
            let members = byCategory[category]!.shuffled(using: &random)
            for k in 0..<want {
                if k >= members.count { repeats += 1 }
                indices.append(k < members.count ? members[k] : members.randomElement(using: &random)!)
            }
        }
        return (indices.shuffled(using: &random), repeats)
    }
}
