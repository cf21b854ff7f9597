/// Combines the ranked lists of several retrievers into one.
public enum Fusion: Sendable, Equatable {
    /// Reciprocal rank fusion: score = Σ 1 / (k + rank); k = 60 is the usual constant.
    case reciprocalRank(k: Double)
    /// weight · keyword + (1 − weight) · dense, each min-max normalised over its own candidates
    /// (a candidate missing from one list scores 0 there).
    case convex(keywordWeight: Double)

    /// The keyword weight used where no tuned setting exists (a small KB, the fixed-weight baselines).
    public static let defaultKeywordWeight = 0.25
    /// The convex blend at `defaultKeywordWeight`.
    public static let defaultConvex = Fusion.convex(keywordWeight: defaultKeywordWeight)

    /// Fused keys, best first. `keyword` and `dense` are (key, score) lists, best first.
    public func fuse<Key: Hashable>(keyword: [(key: Key, score: Double)], dense: [(key: Key, score: Double)])
        -> [(key: Key, score: Double)] {
        var fused: [Key: Double] = [:]
        var order: [Key] = []
        func add(_ key: Key, _ value: Double) {
            if fused[key] == nil { order.append(key) }
            fused[key, default: 0] += value
        }
        switch self {
        case .reciprocalRank(let k):
            for (rank, item) in keyword.enumerated() { add(item.key, 1 / (k + Double(rank + 1))) }
            for (rank, item) in dense.enumerated() { add(item.key, 1 / (k + Double(rank + 1))) }
        case .convex(let weight):
            for (key, score) in Self.normalised(keyword) { add(key, weight * score) }
            for (key, score) in Self.normalised(dense) { add(key, (1 - weight) * score) }
        }
        // Stable: ties keep first-seen order (keyword list first).
        return order.enumerated()
            .sorted { fused[$0.element]! != fused[$1.element]! ? fused[$0.element]! > fused[$1.element]! : $0.offset < $1.offset }
            .map { ($0.element, fused[$0.element]!) }
    }

    static func normalised<Key>(_ list: [(key: Key, score: Double)]) -> [(key: Key, score: Double)] {
        guard let high = list.map(\.score).max(), let low = list.map(\.score).min() else { return [] }
        let range = high - low
        return list.map { ($0.key, range > 0 ? ($0.score - low) / range : 1) }
    }
}
