import Domain

/// Settings of the emerging-theme search.
public struct ThemeOptions: Codable, Sendable {
    /// Clusters; nil picks one per 30 texts clustered, between 8 and 150.
    public var clusters: Int?
    /// A theme needs at least this many window texts, and at least `minWindowShare` of the window.
    public var minWindowCount = 5
    public var minWindowShare = 0.01
    /// A cluster is growing when its window share is at least this multiple of its (smoothed) reference share.
    public var growthRatio = 3.0
    /// From this multiple on, it is new: the reference has next to nothing like it.
    public var newRatio = 10.0
    /// At most this many reference texts are clustered (sampled, seeded).
    public var maxReference = 5_000
    public var terms = 5
    public var examples = 3
    public var seed: UInt64 = 7

    public init() {}
}

/// A group of recent tickets that is new or much larger than in the reference.
public struct Theme: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable { case new, growing }

    public var kind: Kind
    public var windowCount: Int
    public var referenceCount: Int
    public var windowShare: Double
    public var referenceShare: Double
    /// Window share over the reference share smoothed by one pseudo-count per cluster.
    public var growth: Double
    /// Distinctive words, best first.
    public var terms: [String]
    /// The window texts nearest the cluster centre.
    public var examples: [String]
    /// Indices of the theme's texts in the window.
    public var members: [Int]
}

/// Every emerging theme of a window, largest growth first.
public struct ThemeReport: Codable, Sendable {
    public var clusters: Int
    public var referenceClustered: Int
    public var windowCount: Int
    public var themes: [Theme]
}

/// Emerging themes: cluster the window together with the reference (one spherical k-means over both, so the
/// clusters are comparable) and keep the clusters whose share of the window far exceeds their reference share.
public enum ThemeFinder {
    public static func find(referenceTexts: [String], referenceEmbeddings: [[Float]], windowTexts: [String],
                            windowEmbeddings: [[Float]], options: ThemeOptions = ThemeOptions()) -> ThemeReport {
        precondition(referenceTexts.count == referenceEmbeddings.count && windowTexts.count == windowEmbeddings.count)
        var random = SeededRandom(seed: options.seed)
        let referenceIndices = referenceTexts.count > options.maxReference
            ? Array(Array(referenceTexts.indices).shuffled(using: &random).prefix(options.maxReference))
            : Array(referenceTexts.indices)
        let points = referenceIndices.map { referenceEmbeddings[$0] } + windowEmbeddings
        let k = min(points.count, options.clusters ?? min(150, max(8, points.count / 30)))
        guard !windowTexts.isEmpty, k > 0 else {
            return ThemeReport(clusters: 0, referenceClustered: referenceIndices.count, windowCount: windowTexts.count, themes: [])
        }
        let kmeans = SphericalKMeans(points: points, k: k, seed: options.seed)
        let referenceN = referenceIndices.count, windowN = windowTexts.count
        var members = [[Int]](repeating: [], count: k)
        var referenceCounts = [Int](repeating: 0, count: k)
        for (i, cluster) in kmeans.assignments.enumerated() {
            if i < referenceN { referenceCounts[cluster] += 1 } else { members[cluster].append(i - referenceN) }
        }
        let naming = DistinctiveTerms(reference: referenceIndices.map { referenceTexts[$0] })
        let minimum = max(options.minWindowCount, Int((options.minWindowShare * Double(windowN)).rounded(.up)))
        var themes: [Theme] = []
        for c in 0..<k where members[c].count >= minimum {
            let windowShare = Double(members[c].count) / Double(windowN)
            let smoothed = Double(referenceCounts[c] + 1) / Double(referenceN + k)
            let growth = windowShare / smoothed
            guard growth >= options.growthRatio else { continue }
            let centre = kmeans.centroids[c]
            let nearest = members[c].sorted { dot(windowEmbeddings[$0], centre) > dot(windowEmbeddings[$1], centre) }
            themes.append(Theme(
                kind: growth >= options.newRatio ? .new : .growing, windowCount: members[c].count,
                referenceCount: referenceCounts[c], windowShare: windowShare,
                referenceShare: Double(referenceCounts[c]) / Double(max(referenceN, 1)), growth: growth,
                terms: naming.top(members[c].map { windowTexts[$0] }, count: options.terms),
                examples: nearest.prefix(options.examples).map { windowTexts[$0] }, members: members[c].sorted()))
        }
        themes.sort { $0.growth > $1.growth }
        return ThemeReport(clusters: k, referenceClustered: referenceN, windowCount: windowN, themes: themes)
    }
}
